"""The v1 client's contract tests: what workbook.lessons.users_client relies on, checked on any server.

    run_contract(srv.url)                      # [Result(test='create', passed=True, detail='ok'), ...]
    run_contract(srv.url, StrictUsersClient)   # the same tests through the strict reader
    contract_table({"v1": run_contract(a.url), "rename a field": run_contract(b.url)})

These are consumer-driven contract tests: each one exercises the client the way the application
does and checks what the application relies on, nothing more. So they pass on any server that
keeps v1's promises to this client, and fail, with the reason, on one that breaks them. Each test
makes its own users, with emails no other run uses, so a server does not need to be fresh and the
tests do not depend on one another. Details never name an id or an email: they read the same on
every run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..show import Table, table
from ..unique import unique_email
from .users_client import EmailInUse, InvalidUser, UserNotFound, UsersClient


class ContractBroken(AssertionError):
    """The server answered, but not what the client relies on."""


class Result(NamedTuple):
    test: str
    passed: bool
    detail: str  # "ok", or why the test failed


def require(condition: object, message: str) -> None:
    if not condition:
        raise ContractBroken(message)


def refused(error: type[Exception], action: Callable[[], object]) -> Exception:
    """The error `action` raised, which must be `error`; any other exception fails the test."""
    try:
        action()
    except error as raised:
        return raised
    raise ContractBroken(f"expected {error.__name__}, but the request succeeded")


# ---- The tests, in the order they run; each gets a client and returns or raises ----------


def create(client: UsersClient) -> None:
    email = unique_email("ada")
    user = client.create(email, "Ada Lovelace")
    require(
        user.id and (user.email, user.name) == (email, "Ada Lovelace"),
        "create should return the user as sent, with an id",
    )


def get(client: UsersClient) -> None:
    user = client.create(unique_email("ada"), "Ada Lovelace")
    require(client.get(user.id) == user, "get should return the user that create returned")


def list_pages(client: UsersClient) -> None:
    made = [client.create(unique_email("ada"), f"User {n}") for n in range(3)]
    listed = [user for user in client.all(limit=2) if user in made]  # pages of 2: cursors used
    require(listed == made, "walking the pages should give each new user once, oldest first")


def rename(client: UsersClient) -> None:
    user = client.create(unique_email("ada"), "Ada Lovelace")
    renamed = client.rename(user.id, "Ada King")
    require(
        (renamed.name, renamed.email) == ("Ada King", user.email),
        "rename should change the name and keep the email",
    )
    require(client.get(user.id) == renamed, "get after rename should return the renamed user")


def delete(client: UsersClient) -> None:
    user = client.create(unique_email("ada"), "Ada Lovelace")
    client.delete(user.id)
    refused(UserNotFound, lambda: client.get(user.id))


def taken_email(client: UsersClient) -> None:
    email = unique_email("ada")
    client.create(email, "Ada Lovelace")
    refused(EmailInUse, lambda: client.create(email, "Another Ada"))


def bad_email(client: UsersClient) -> None:
    error = refused(InvalidUser, lambda: client.create("not-an-email", "Ada Lovelace"))
    require("email" in str(error), "the message should name the field at fault, email")


def find_by_email(client: UsersClient) -> None:
    email = unique_email("ada")
    user = client.create(email, "Ada Lovelace")
    require(client.find_by_email(email) == user, "find_by_email should find the user")


TESTS: dict[str, Callable[[UsersClient], None]] = {
    "create": create,
    "get": get,
    "list pages": list_pages,
    "rename": rename,
    "delete": delete,
    "taken email": taken_email,
    "bad email": bad_email,
    "find by email": find_by_email,
}


# ---- Running them ------------------------------------------------------------------------


def run_contract(url: str, client_class: type[UsersClient] = UsersClient) -> list[Result]:
    """Run every contract test against the server at `url`; one Result per test, in order."""
    client = client_class(url)
    results = []
    for name, test in TESTS.items():
        try:
            test(client)
            results.append(Result(name, True, "ok"))
        except Exception as error:  # a test fails however the client or the server fails
            results.append(Result(name, False, f"{type(error).__name__}: {error}"))
    return results


def verdict(results: list[Result]) -> str:
    """'no' when every test passes, else how many fail: does this change break the client?"""
    failed = sum(not result.passed for result in results)
    return f"yes, {failed} of {len(results)} fail" if failed else "no"


def contract_table(runs: dict[str, list[Result]], first_column: str = "change") -> Table:
    """One row per run (a server, a change): the tests that fail, then the verdict. (Three columns,
    not one per test: the table must fit a 1024-pixel window beside JupyterLab's file browser.)"""
    rows = [
        [label, ", ".join(r.test for r in results if not r.passed) or "none", verdict(results)]
        for label, results in runs.items()
    ]
    return table(rows, [first_column, f"tests that fail (of {len(TESTS)})", "breaking?"])


def failures(results: list[Result]) -> Table:
    """The failed tests of one run and why each failed."""
    return table([[r.test, r.detail] for r in results if not r.passed], ["test", "why it failed"])
