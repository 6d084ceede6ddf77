"""The workbook's helpers: start servers (launcher), show the wire (wire), grade exercises (checker)."""

from .build import BuildError
from .launcher import LANGUAGES, Server, ServerError, serve
from .show import source, table
from .toolchain import ToolchainError
from .wire import exchange, raw_request

__all__ = ["LANGUAGES", "BuildError", "Server", "ServerError", "ToolchainError",
           "check", "exchange", "raw_request", "serve", "source", "table"]


def __getattr__(name: str):
    # Imported on first use, so that `python -m workbook.checker` does not find itself already imported.
    if name == "check":
        from .checker import check
        return check
    raise AttributeError(f"module 'workbook' has no attribute {name!r}")
