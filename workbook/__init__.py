"""The workbook's helpers: start servers (launcher), show the wire (wire), grade exercises (checker)."""

from .build import BuildError
from .launcher import LANGUAGES, Server, ServerError, serve
from .show import source, table
from .toolchain import ToolchainError
from .wire import exchange, raw_request

__all__ = ["LANGUAGES", "BuildError", "Server", "ServerError", "ToolchainError",
           "exchange", "raw_request", "serve", "source", "table"]
