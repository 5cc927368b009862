"""Moodle XML: import (reader) and export (writer) of the six bank types."""

from .reader import parse
from .writer import category_text, export, export_filename

__all__ = ["category_text", "export", "export_filename", "parse"]
