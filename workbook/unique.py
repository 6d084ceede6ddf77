"""Values no other request of this process has sent: an email the `users` API has not seen yet.

    unique_email()            # 'user-3f9a1c2b-1@example.com'
    unique_email("ada")       # 'ada-3f9a1c2b-2@example.com'

The middle part is drawn once per process, so two runs against one long-lived server never collide.
"""

from __future__ import annotations

import itertools
import uuid

_RUN = uuid.uuid4().hex[:8]
_numbers = itertools.count(1)


def unique_email(tag: str = "user") -> str:
    """An email address that no earlier call in any process has returned."""
    return f"{tag}-{_RUN}-{next(_numbers)}@example.com"
