"""users_evolving: the `users` API of users.py after ONE change to its contract (lessons 07, 08).

    python3 servers/python/users_evolving.py [PORT] [CHANGE]     (or CHANGE=... in the environment)
    serve("python", "users_evolving", "rename_field")            (from a notebook)

Each CHANGE is something a team might do to a live API. The v1 code is imported from users.py, not
copied: the store, the parsing, the validation, the routing and the HTTP plumbing are v1's; this
file holds only what the change changes. users.py stays the reference implementation of v1.

    none                v1 exactly
    add_field           users gain an optional `nickname` (null unless a client sets it)
    rename_field        `name` is now called `full_name`, in requests and responses
    change_type         `id` (and `next_cursor`) are JSON numbers, no longer strings
    tighten_validation  `name` may have at most 50 characters, no longer 100
    require_field       the `If-Match` header field is required on PATCH and DELETE (else 428)
    change_status       a taken email is answered 422, no longer 409
    evolved             lesson 08: `nickname`, and `full_name` beside `name`, which is deprecated
                        and announced with Deprecation (RFC 9745) and Sunset (RFC 8594) headers
    shared_emails       lesson 08: POST /users?shared_email=true may reuse a taken email

Python only: a change to a contract is the same change in every language, so one implementation
of each is enough; the Node and Go `users` servers stay v1. Memory store only (USERS_STORE is
ignored): every demo starts empty.
"""

from __future__ import annotations

import os
import sys
from typing import Any
from urllib.parse import parse_qs

import users  # servers/python/users.py: Python puts this script's directory on sys.path
from users import ApiError, Response, User

CHANGES = ("none", "add_field", "rename_field", "change_type", "tighten_validation",
           "require_field", "change_status", "evolved", "shared_emails")
CHANGE = "none"  # set by main()

MAX_NICKNAME = 50
TIGHT_MAX_NAME = 50
# RFC 9745: the Deprecation value is a Structured Field Date, @ and seconds since 1970 (here
# 2026-01-01T00:00:00Z); RFC 8594: Sunset is an HTTP-date, the moment `name` may stop working.
DEPRECATED_SINCE = "@1767225600"
SUNSET = "Wed, 30 Jun 2027 23:59:59 GMT"
DEPRECATION_LINK = '<https://example.com/docs/users-api/deprecations>; rel="deprecation"; type="text/html"'


# ---- Store --------------------------------------------------------------------------------


class EvolvingStore(users.MemoryStore):
    """v1's memory store, plus the fields a change adds (stored after v1's three, in order)."""

    def create(self, email: str, name: str, extra: dict[str, Any] | None = None,
               shared: bool = False) -> tuple[User, int]:
        with self.lock:
            key = users.email_key(email)
            holder = self.owners.pop(key, None) if shared else None  # let v1's check pass once
            try:
                user, version = super().create(email, name)
            finally:
                if holder is not None:
                    self.owners[key] = holder  # the first holder keeps the claim
            user.update(extra or {})  # the very dict the store keeps: extra fields are stored
            return user, version

    def update(self, user_id: str, changes: dict[str, Any], if_match: str | None) -> tuple[User, int]:
        with self.lock:
            old_email = self.get(user_id)[0]["email"]
            result = super().update(user_id, changes, if_match)
            self.reclaim(old_email)
            return result

    def delete(self, user_id: str, if_match: str | None) -> None:
        with self.lock:
            email = self.get(user_id)[0]["email"]
            super().delete(user_id, if_match)
            self.reclaim(email)

    def reclaim(self, email: str) -> None:
        """With shared emails, v1 may release an email another user still has: give it back."""
        key = users.email_key(email)
        holders = [user["id"] for user, _ in self.users.values() if users.email_key(user["email"]) == key]
        if holders and key not in self.owners:
            self.owners[key] = holders[0]


# ---- Validation: the request side of a change ---------------------------------------------


def accept(fields: dict[str, Any], partial: bool) -> tuple[dict[str, str], dict[str, Any]]:
    """v1's checked email and name, and the fields the change adds (validated here)."""
    extra: dict[str, Any] = {}
    if CHANGE in ("add_field", "evolved"):
        if "nickname" in fields or not partial:  # absent on POST: the default keeps v1's meaning
            extra["nickname"] = check_nickname(fields.pop("nickname", None))
    if CHANGE == "evolved" and "full_name" in fields:  # the new name of `name`; either is accepted
        full_name = fields.pop("full_name")
        if "name" in fields and fields["name"] != full_name:
            raise ApiError(400, "name and full_name must be the same")
        fields["name"] = full_name
    if CHANGE == "rename_field":
        if "name" in fields:
            raise ApiError(400, "unknown field: name")
        if "full_name" in fields:
            fields["name"] = fields.pop("full_name")
    try:
        checked = users.validate_user(fields, partial)
    except ApiError as error:  # v1's messages say `name`; this API calls it `full_name`
        if CHANGE == "rename_field" and error.message.startswith("name "):
            raise ApiError(400, "full_name" + error.message[len("name"):]) from None
        raise
    if CHANGE == "tighten_validation" and len(checked.get("name", "")) > TIGHT_MAX_NAME:
        raise ApiError(400, f"name must be 1 to {TIGHT_MAX_NAME} characters")
    return checked, extra


def check_nickname(value: Any) -> str | None:
    # null means "no nickname": the default, and in a JSON Merge Patch the way to remove it.
    if value is not None and (not isinstance(value, str) or not 1 <= len(value) <= MAX_NICKNAME):
        raise ApiError(400, f"nickname must be null or 1 to {MAX_NICKNAME} characters")
    return value


def require_if_match(request: users.UsersRequestHandler) -> None:
    if CHANGE == "require_field" and request.headers.get("If-Match") is None:
        raise ApiError(428, "If-Match is required")  # 428 Precondition Required, RFC 6585


# ---- Handlers: v1's, where the change reaches into them -----------------------------------


def create_user(request: users.UsersRequestHandler, user_id: str) -> Response:
    body = users.read_json(request, users.CREATE_TYPES)
    fields, extra = accept(users.parse_object(body), partial=False)
    query = parse_qs(request.path.partition("?")[2])
    shared = CHANGE == "shared_emails" and query.get("shared_email") == ["true"]
    user, version = request.store.create(fields["email"], fields["name"], extra, shared)
    return 201, {"Location": f"/users/{user['id']}", "ETag": users.etag_for(version)}, user


def update_user(request: users.UsersRequestHandler, user_id: str) -> Response:
    require_if_match(request)
    body = users.read_json(request, users.UPDATE_TYPES)
    if_match = request.headers.get("If-Match")
    _, version = request.store.get(user_id)
    users.check_if_match(if_match, version)
    fields, extra = accept(users.parse_object(body), partial=True)
    user, version = request.store.update(user_id, {**fields, **extra}, if_match)
    return 200, {"ETag": users.etag_for(version)}, user


def delete_user(request: users.UsersRequestHandler, user_id: str) -> Response:
    require_if_match(request)
    return users.delete_user(request, user_id)




# ---- Presentation: the response side of a change ------------------------------------------


def present_user(user: User) -> dict[str, Any]:
    if CHANGE == "rename_field":
        return {"id": user["id"], "email": user["email"], "full_name": user["name"]}
    if CHANGE == "change_type":
        return {**user, "id": int(user["id"])}
    if CHANGE == "evolved":  # `name` stays where v1 clients find it; its successor follows
        return {"id": user["id"], "email": user["email"], "name": user["name"],
                "full_name": user["name"], "nickname": user["nickname"]}
    return user


def present(status: int, headers: dict[str, str], body: Any) -> Response:
    """A v1 response as the changed API sends it."""
    if CHANGE == "change_status" and status == 409:
        status = 422
    if isinstance(body, dict) and "id" in body:
        body = present_user(body)
    elif isinstance(body, dict) and "users" in body:
        cursor = body["next_cursor"]
        if CHANGE == "change_type" and cursor is not None:
            cursor = int(cursor)
        body = {"users": [present_user(user) for user in body["users"]], "next_cursor": cursor}
    if CHANGE == "evolved" and isinstance(body, dict) and "error" not in body:
        # RFC 9745 speaks of the resource: every response that carries `name` carries the
        # notice, and the linked page says which field is going and what replaces it.
        links = [headers["Link"], DEPRECATION_LINK] if "Link" in headers else [DEPRECATION_LINK]
        headers = {**headers, "Deprecation": DEPRECATED_SINCE, "Sunset": SUNSET,
                   "Link": ", ".join(links)}
    return status, headers, body


# ---- Routing ------------------------------------------------------------------------------


class EvolvingHandler(users.UsersRequestHandler):
    """v1's request handler and routes; three handlers are this file's, every answer passes present()."""

    collection_handlers = {**users.COLLECTION_HANDLERS, "POST": create_user}
    item_handlers = {**users.ITEM_HANDLERS, "PATCH": update_user, "DELETE": delete_user}

    def respond(self) -> Response:
        return present(*super().respond())


# ---- Start-up -----------------------------------------------------------------------------


def main() -> None:
    global CHANGE
    CHANGE = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("CHANGE") or "none"
    if CHANGE not in CHANGES:
        sys.exit(f"users_evolving.py: unknown change {CHANGE!r}; choose one of: {', '.join(CHANGES)}")
    EvolvingHandler.store = EvolvingStore()
    users.main(EvolvingHandler)  # v1's start-up: port, signals, draining


if __name__ == "__main__":
    main()
