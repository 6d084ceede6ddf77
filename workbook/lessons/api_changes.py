"""Changes to the `users` API as edits of its OpenAPI document, and oasdiff's verdict on each.

    revision = revise("rename_field")          # servers/users.openapi.yaml with one edit, a dict
    report = breaking(revision)                # `oasdiff breaking base revision`, parsed
    report.summary()                           # 'error: new-required-request-property x1; ...'

Each edit is the OpenAPI side of one CHANGE of servers/python/users_evolving.py (same names). The
revisions are made from the base document every time rather than kept as files: an edit is a few
lines that show exactly what changed, and when the base document changes, every revision follows.

oasdiff (github.com/oasdiff/oasdiff, built on first use into .build/bin/oasdiff) reads two
documents and applies its catalogue of rules; each finding has a rule id and a level: error (breaks
clients), warning (may break them) or info. Only ids, levels and counts are shown: its full text
names temporary files, which differ on every run.
"""

from __future__ import annotations

import copy
import json
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..paths import BUILD, SERVERS
from ..programs import program
from ..scratch import folder_prefix

BASE = SERVERS / "users.openapi.yaml"
OASDIFF = BUILD / "bin" / "oasdiff"
LEVELS = {3: "error", 2: "warning", 1: "info"}

Spec = dict[str, Any]


def load_base() -> Spec:
    """The v1 contract, servers/users.openapi.yaml, as a dict."""
    return yaml.safe_load(BASE.read_text(encoding="utf-8"))


def schemas(spec: Spec) -> dict[str, Any]:
    return spec["components"]["schemas"]


def operation(spec: Spec, method: str, path: str) -> dict[str, Any]:
    return spec["paths"][path][method]


# ---- The edits: one per change, each changes the document in place -----------------------


def add_field(spec: Spec) -> None:
    """Users gain `nickname`: optional in requests, always in responses (null when unset)."""
    nickname = {"type": ["string", "null"], "minLength": 1, "maxLength": 50}
    for name in ("User", "NewUser", "UserPatch"):
        schemas(spec)[name]["properties"]["nickname"] = nickname
    schemas(spec)["User"]["required"].append("nickname")


def rename_field(spec: Spec) -> None:
    """`name` is now called `full_name`, in requests and responses."""
    for name in ("User", "NewUser", "UserPatch"):
        schema = schemas(spec)[name]
        schema["properties"]["full_name"] = schema["properties"].pop("name")
        if "required" in schema:
            schema["required"] = ["full_name" if f == "name" else f for f in schema["required"]]


def change_type(spec: Spec) -> None:
    """`id` and `next_cursor` are JSON numbers, no longer strings."""
    schemas(spec)["User"]["properties"]["id"] = {"type": "integer", "minimum": 1}
    schemas(spec)["UserPage"]["properties"]["next_cursor"]["oneOf"][0] = {"type": "integer"}


def tighten_validation(spec: Spec) -> None:
    """`name` may have at most 50 characters, no longer 100."""
    schemas(spec)["Name"]["maxLength"] = 50


def require_field(spec: Spec) -> None:
    """The `If-Match` header field is required on PATCH and DELETE; without it, 428."""
    spec["components"]["parameters"]["If-Match"]["required"] = True
    for method in ("patch", "delete"):
        operation(spec, method, "/users/{id}")["responses"]["428"] = {
            "description": "If-Match is missing.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }


def change_status(spec: Spec) -> None:
    """A taken email is answered 422, no longer 409."""
    for method, path in (("post", "/users"), ("patch", "/users/{id}")):
        responses = operation(spec, method, path)["responses"]
        responses["422"] = responses.pop("409")


def evolved(spec: Spec) -> None:
    """Lesson 08: add `nickname`; add `full_name` beside `name`, which is deprecated, not removed."""
    add_field(spec)
    for name in ("User", "NewUser", "UserPatch"):
        properties = schemas(spec)[name]["properties"]
        properties["full_name"] = {"$ref": "#/components/schemas/Name"}
        properties["name"] = {"$ref": "#/components/schemas/Name", "deprecated": True}
    schemas(spec)["User"]["required"].append("full_name")
    new_user = schemas(spec)["NewUser"]
    new_user["required"] = ["email"]  # and one of the two names:
    new_user["anyOf"] = [{"required": ["name"]}, {"required": ["full_name"]}]


def shared_emails(spec: Spec) -> None:
    """Lesson 08: POST /users?shared_email=true may create a user whose email is taken."""
    operation(spec, "post", "/users")["parameters"] = [
        {
            "name": "shared_email",
            "in": "query",
            "required": False,
            "description": "true: the email may belong to another user too.",
            "schema": {"type": "boolean", "default": False},
        }
    ]


def without_name(evolved_spec: Spec) -> Spec:
    """Lesson 08, after the sunset: a copy of the `evolved` document with `name`, which it deprecated,
    removed; `full_name` is then the only name a create may carry."""
    spec = copy.deepcopy(evolved_spec)
    for name in ("User", "NewUser", "UserPatch"):
        schema = schemas(spec)[name]
        del schema["properties"]["name"]
        if "required" in schema:
            schema["required"] = [field for field in schema["required"] if field != "name"]
    new_user = schemas(spec)["NewUser"]
    del new_user["anyOf"]
    new_user["required"] = ["email", "full_name"]
    return spec


EDITS: dict[str, Callable[[Spec], None]] = {
    edit.__name__: edit
    for edit in (
        add_field,
        rename_field,
        change_type,
        tighten_validation,
        require_field,
        change_status,
        evolved,
        shared_emails,
    )
}


def revise(change: str, base: Spec | None = None) -> Spec:
    """A copy of the base document (default: servers/users.openapi.yaml) with one change made."""
    if change not in EDITS:
        raise ValueError(f"unknown change {change!r}; choose one of: {', '.join(EDITS)}")
    revision = copy.deepcopy(base if base is not None else load_base())
    EDITS[change](revision)
    return revision


# ---- oasdiff ------------------------------------------------------------------------------


# What each oasdiff rule id that lessons 07 and 08 meet means for a client written against the base
# document, in a few words (oasdiff's own catalogue: `oasdiff checks`).
RULE_MEANING = {
    "new-required-request-property": "requests must now carry a property old clients do not send",
    "request-property-removed": "a property old clients send is gone from the contract",
    "response-required-property-removed": "a property old clients read may be missing",
    "response-property-type-changed": "a property old clients read has another type",
    "response-property-list-of-types-widened": "a property may now have a type old clients do not expect",
    "response-property-min-length-unset": "a string's promised minimum length is gone (a number has none)",
    "response-property-pattern-removed": "a string's promised pattern is gone (digits only)",
    "request-property-max-length-decreased": "values old clients may send are now refused (too long)",
    "request-parameter-became-required": "a header or parameter old clients do not send is now required",
    "response-non-success-status-added": "a new error status may come back",
    "response-non-success-status-removed": "an error status old clients handle no longer comes back",
    "new-optional-request-parameter": "a new parameter clients may send, or leave out",
    "new-optional-request-property": "a new property clients may send, or leave out",
    "request-body-any-of-added": "the request body accepts another shape as well",
    "request-property-became-optional": "a property clients had to send may now be left out",
    "request-property-deprecated": "a property clients send is marked as going away",
    "response-property-deprecated": "a property clients read is marked as going away",
    "response-required-property-added": "responses carry a new property (tolerant readers ignore it)",
    "request-body-any-of-removed": "a shape of request body old clients may send is refused",
    "request-property-became-required": "a property old clients may leave out is now required",
    "request-property-removed-with-deprecation": "a deprecated property clients send is gone",
    "response-required-property-removed-with-deprecation": "a deprecated property clients read is gone",
    "api-version-not-bumped": "a breaking change, and the document's info.version is the same",
}


def meaning(rule: str) -> str:
    """What an oasdiff rule id means for an old client, or the id itself if this table lacks it."""
    return RULE_MEANING.get(rule, f"see `oasdiff checks` for {rule}")


@dataclass
class Finding:
    rule: str  # oasdiff's rule id, e.g. "request-parameter-became-required"
    level: str  # "error", "warning" or "info"
    operation: str  # e.g. "PATCH /users/{id}"


@dataclass
class OasdiffReport:
    findings: list[Finding]

    @property
    def breaking(self) -> bool:
        return any(finding.level in ("error", "warning") for finding in self.findings)

    def rules(self) -> Counter:
        """How many findings each (level, rule) has."""
        return Counter((finding.level, finding.rule) for finding in self.findings)

    def summary(self) -> str:
        """One stable line: 'none', or each level and rule id with its count."""
        if not self.findings:
            return "none"
        return "; ".join(f"{level}: {rule} x{count}" for (level, rule), count in sorted(self.rules().items()))


def oasdiff(command: str, revision: Spec, base: Path | Spec = BASE) -> OasdiffReport:
    """Run `oasdiff COMMAND base revision -f json` (breaking or changelog) and parse its findings.
    `base` is a file, or a document such as another revision."""
    program("oasdiff")  # built on first use
    with tempfile.TemporaryDirectory(prefix=folder_prefix("oasdiff")) as folder:
        path = Path(folder) / "revision.json"  # oasdiff reads JSON as well as YAML
        path.write_text(json.dumps(revision), encoding="utf-8")
        if not isinstance(base, Path):
            base_path = Path(folder) / "base.json"
            base_path.write_text(json.dumps(base), encoding="utf-8")
            base = base_path
        done = subprocess.run(
            [str(OASDIFF), command, str(base), str(path), "-f", "json"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    if done.returncode != 0:
        raise RuntimeError(f"oasdiff {command} failed ({done.returncode}):\n{done.stderr}")
    return OasdiffReport(
        [
            Finding(
                item["id"],
                LEVELS.get(item["level"], str(item["level"])),
                f"{item.get('operation', '')} {item.get('path', '')}".strip(),
            )
            for item in json.loads(done.stdout or "[]")
        ]
    )


def breaking(revision: Spec, base: Path | Spec = BASE) -> OasdiffReport:
    """oasdiff's breaking changes from the base document to `revision` (errors and warnings)."""
    return oasdiff("breaking", revision, base)


def changelog(revision: Spec, base: Path | Spec = BASE) -> OasdiffReport:
    """Every change oasdiff sees, info level included."""
    return oasdiff("changelog", revision, base)
