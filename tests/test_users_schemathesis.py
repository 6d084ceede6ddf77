"""schemathesis (pinned in requirements.txt) generates requests from servers/users.openapi.yaml,
valid and invalid, single and chained through the document's links (stateful), and checks every
answer against the document: no 5xx, documented statuses, headers, content types and bodies."""

import re
import subprocess
import sys
from pathlib import Path

from workbook.paths import ROOT

OPENAPI = ROOT / "servers" / "users.openapi.yaml"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = 25  # per operation and phase: 3-5 s per server, enough to find the bugs it found
SEED = 2024  # the same requests on every run, so a failure in CI reproduces on a laptop

# Every default check runs. Two of them get one more status, because the contract has a status
# they do not know:
#   positive_data_acceptance: a valid request may still be 412 (its If-Match names another version)
#     The document cannot say which version a generated If-Match should name.
#   negative_data_rejection: an invalid body with a non-matching If-Match is 412, not 400, because
#     the contract checks If-Match before the body (servers/README.md, "Order of checks").
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "412", "415", "422", "428",
                     "429", "5xx"]
"""


def run_schemathesis(url: str, config: Path) -> subprocess.CompletedProcess:
    """Run the CLI in the config's directory: its caches (.schemathesis/, .hypothesis/) land there."""
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "run",
            str(OPENAPI),
            "--url",
            url,
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--no-color",
            "--generation-database",
            "none",  # nothing remembered between runs: the seed decides
            "--request-timeout",
            "5",
        ],
        cwd=config.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_schemathesis_finds_no_failure(users_server, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    result = run_schemathesis(users_server.url, config)
    report = result.stdout + result.stderr
    assert result.returncode == 0, f"schemathesis against the {users_server.language} server:\n{report}"
    # The stateful phase ran and followed links (POST -> GET/PATCH/DELETE by the new id).
    covered = re.search(r"API Links:\s+(\d+) covered", report)
    assert covered and int(covered.group(1)) > 0, report
