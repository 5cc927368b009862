"""Log formatting that keeps CCCD numbers out of log files, whatever code wrote the message."""

from __future__ import annotations

import logging
import re

from .cccd import mask_cccd

# Twelve digits standing alone: a CCCD number (longer digit runs, such as timestamps, are left alone).
CCCD_IN_TEXT = re.compile(r"(?<!\d)\d{12}(?!\d)")


def mask_personal_data(text: str) -> str:
    return CCCD_IN_TEXT.sub(lambda match: mask_cccd(match.group(0)), text)


class MaskingFormatter(logging.Formatter):
    """Formats as usual, then masks CCCD numbers in the whole line, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_data(super().format(record))
