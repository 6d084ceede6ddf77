"""schemathesis (pinned in requirements.txt) generates requests from servers/users.openapi.yaml,
valid and invalid, single and chained through the document's links (stateful), and checks every
answer against the document: no 5xx, documented statuses, headers, content types and bodies.
It runs with authentication off (the default) and on (USERS_AUTH_SECRET set), each time on the
document as that server reads it (see `document_for`)."""

import base64
import hashlib
import hmac
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from workbook import LANGUAGES, serve
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


SECRET = "schemathesis secret"
AUTH_ENV = {"USERS_AUTH_SECRET": SECRET, "USERS_PBKDF2_ITERATIONS": "1000"}


def document_for(auth: bool) -> dict:
    """The document says what changes with authentication; here is each mode's reading of it.

    Off: there is no /tokens (every method is 404 there, not the 405 of a path that exists).
    On: POST /users requires a `password`, PATCH and DELETE require a token (not "{}", none)."""
    document = yaml.safe_load(OPENAPI.read_text())
    if not auth:
        del document["paths"]["/tokens"]
        return document
    new_user = document["components"]["schemas"]["NewUser"]
    new_user["properties"]["password"] = {"$ref": "#/components/schemas/Password"}
    new_user["required"].append("password")
    for method in ("patch", "delete"):
        document["paths"]["/users/{id}"][method]["security"] = [{"bearerAuth": []}]
    return document


def token_for_first_user() -> str:
    """A token for user "1", the first user schemathesis creates: made with the secret, as a replica would."""
    encode = base64.urlsafe_b64encode
    claims = json.dumps({"sub": "1", "exp": int(time.time()) + 600}, separators=(",", ":")).encode()
    payload = encode(claims).rstrip(b"=").decode()
    signature = hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{encode(signature).rstrip(b'=').decode()}"


def run_schemathesis(url: str, config: Path, document: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run the CLI in the config's directory: its caches (.schemathesis/, .hypothesis/) land there."""
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "run",
            str(document),
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
            *extra,
        ],
        cwd=config.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("auth", [False, True], ids=["auth-off", "auth-on"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_schemathesis_finds_no_failure(language, auth, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    document = tmp_path / "users.openapi.json"
    document.write_text(json.dumps(document_for(auth)))
    extra = ("--header", f"Authorization: Bearer {token_for_first_user()}") if auth else ()
    with serve(language, "users", env=AUTH_ENV if auth else None) as srv:
        result = run_schemathesis(srv.url, config, document, *extra)
    report = result.stdout + result.stderr
    mode = "on" if auth else "off"
    assert result.returncode == 0, f"schemathesis against the {language} server, auth {mode}:\n{report}"
    # The stateful phase ran and followed links (POST -> GET/PATCH/DELETE by the new id).
    covered = re.search(r"API Links:\s+(\d+) covered", report)
    assert covered and int(covered.group(1)) > 0, report
