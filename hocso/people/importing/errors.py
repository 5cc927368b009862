"""Errors that stop an import before anything is written: the file as a whole cannot be used."""

from __future__ import annotations

from hocso.core.uploads import FileRejected

# The file cannot be imported at all (wrong format, damaged, beyond a limit, no header, too many rows…). The same
# class as the shared reader's, so that one `except` catches what the reader and the import itself refuse.
ImportFileError = FileRejected


class PreviewOutdated(Exception):
    """The people in the database changed between the preview and the confirmation: preview again."""
