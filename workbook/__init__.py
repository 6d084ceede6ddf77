"""The workbook's core, what every lesson imports: start servers, show the wire, draw tables.

    from workbook import serve, exchange, raw_request, table, web

Lesson-specific tools live in `workbook.lessons`, the exercise checker in `workbook.grading`. In a
notebook, importing the package also makes its cells safe to run again (`workbook.cells`).
"""

from . import cells, web
from .build import BuildError
from .launcher import LANGUAGES, Server, ServerError, serve
from .scratch import temporary_folder
from .show import source, table
from .toolchain import ToolchainError
from .unique import unique_email
from .wire import exchange, raw_request

cells.install()

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
    "temporary_folder",
    "unique_email",
    "web",
]
