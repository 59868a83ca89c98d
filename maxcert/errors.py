"""Errors the user caused, and how the CLI turns them into one line."""

from __future__ import annotations


class MaxcertError(ValueError):
    """Bad input: the message is one line that names the problem."""


def user_error_line(exc: BaseException) -> str | None:
    """One line for an error caused by the input, or None for a bug (which should traceback)."""
    if isinstance(exc, MaxcertError):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, FileNotFoundError):
        return f"{exc.filename}: no such file"
    if isinstance(exc, IsADirectoryError):
        return f"{exc.filename}: is a directory"
    if isinstance(exc, PermissionError):
        return f"{exc.filename}: permission denied"
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror}"
    return None
