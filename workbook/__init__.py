"""The workbook's core, what every lesson imports: start servers, show the wire, draw tables.

    from workbook import serve, exchange, raw_request, table

Lesson-specific tools live in `workbook.lessons`, the exercise checker in `workbook.grading`.
"""

from .build import BuildError
from .launcher import LANGUAGES, Server, ServerError, serve
from .show import source, table
from .toolchain import ToolchainError
from .wire import exchange, raw_request

__all__ = [
    "LANGUAGES",
    "BuildError",
    "Server",
    "ServerError",
    "ToolchainError",
    "exchange",
    "raw_request",
    "serve",
    "source",
    "table",
]
