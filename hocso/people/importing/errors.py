"""Errors that stop an import before anything is written: the file as a whole cannot be used."""

from __future__ import annotations


class ImportFileError(Exception):
    """The file cannot be imported at all (wrong format, damaged, no header, too big…).

    `message` is already translated into the active language; `code` is stable, for tests and the API.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class PreviewOutdated(Exception):
    """The people in the database changed between the preview and the confirmation: preview again."""
