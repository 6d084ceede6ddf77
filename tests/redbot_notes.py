"""Run REDbot (the HTTP linter, `redbot` on PyPI) on some URLs and print its notes as JSON.

    python tests/redbot_notes.py '[{"url": "http://127.0.0.1:8000/users/1", "headers": [["A", "b"]]}]'

A script of its own, run in a subprocess by tests/test_users_redbot.py: REDbot runs on thor's event
loop, which can run once per process (its stop() unregisters every file descriptor). All the URLs
are checked at once, in one run of the loop, each with its own follow-up requests (conditional,
range and gzip checks). Prints one JSON object per URL: the response's status line and header
lines, and every note as [level, category, summary], subnotes indented under their note.
"""

import json
import sys
from configparser import ConfigParser

import thor
from redbot.resource import HttpResource

DEADLINE = 30  # seconds: a server that never answers fails the test, it does not hang it


def check(targets: list[dict]) -> list[HttpResource]:
    """Start a check of every target, run the loop until all are done, return the resources."""
    parser = ConfigParser()
    parser.read_dict({"redbot": {"enable_local_access": "True"}})  # our servers are on 127.0.0.1
    resources, pending = [], set()
    for target in targets:
        resource = HttpResource(parser["redbot"])
        resource.set_request(target["url"], headers=[tuple(h) for h in target.get("headers", [])])
        resources.append(resource)
        pending.add(resource)

        @thor.events.on(resource)
        def check_done(resource: HttpResource = resource) -> None:
            pending.discard(resource)
            if not pending:
                thor.stop()

    for resource in resources:
        resource.check()
    thor.schedule(DEADLINE, thor.stop)
    thor.run()
    return resources


def report(resource: HttpResource) -> dict:
    response = resource.response
    notes = []
    for note in response.notes:
        notes.append([note.level.value, note.category.value, note.summary])
        notes += [[sub.level.value, note.category.value, "  " + sub.summary] for sub in note.subnotes]
    status = f"HTTP/{response.version} {response.status_code_str} {response.status_phrase}"
    return {
        "url": resource.request.uri,
        "complete": bool(response.complete),
        "error": str(resource.fetch_error.desc) if resource.fetch_error else None,
        "response": [status] + [f"{name}:{value}" for name, value in response.headers.text],
        "notes": notes,
    }


if __name__ == "__main__":
    print(json.dumps([report(resource) for resource in check(json.loads(sys.argv[1]))]))
