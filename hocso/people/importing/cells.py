"""Read one cell as the value a profile field needs, or say in one sentence what is wrong with it.

Each parser takes the raw cell (str, int, float, date, datetime, bool or empty) and returns the clean value,
or raises CellError with a translated message. Empty cells are handled by the caller.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.cccd import FEMALE, MALE
from hocso.core.phone import PhoneError, normalise_phone
from hocso.core.text import fold, is_digits
from hocso.core.uploads.cells import cell_text
from hocso.core.uploads.cells import clean_text as uploads_clean_text
from hocso.people.models import RANK_CODE_RE

EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)
_RANK_NUMBER = re.compile(r"^(\d{1,2})[.,](\d{1,3})([a-z]?)$")

# Common ranks by name (Thông tư 2/2021/TT-BNV): a "Ngạch" column often holds the name, not the code.
RANK_NAMES = {
    "chuyen vien cao cap": "01.001",
    "chuyen vien chinh": "01.002",
    "chuyen vien": "01.003",
    "can su": "01.004",
    "nhan vien": "01.005",
}


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# The cell's text: one reading for every upload (hocso.core.uploads.cells); the staff import's names for it.
clean_text = uploads_clean_text
as_text = cell_text


def _masked(text: str) -> bool:
    return "*" in text


def parse_cccd(value) -> str:
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("A CCCD number must have exactly 12 digits."))
        value = int(value)
    text = as_text(value).replace(" ", "")
    if _masked(text):
        raise CellError(_("This CCCD number is masked (***). Export the list with full numbers, or type the number."))
    if _SCIENTIFIC.match(text):
        raise CellError(
            _("The number was saved in scientific notation (%(text)s) and has lost digits. Format the column as "
              "Text in Excel and type the numbers again.") % {"text": text}
        )
    digits = re.sub(r"[.\-]", "", text)
    if not is_digits(digits):
        raise CellError(_("A CCCD number has only digits."))
    if len(digits) == 9:
        raise CellError(_("This looks like an old 9-digit CMND number; a 12-digit CCCD number is needed."))
    if 10 <= len(digits) < 12:
        digits = digits.zfill(12)  # Excel dropped the leading zero when the column was a number
    if len(digits) != 12:
        raise CellError(_("A CCCD number must have exactly 12 digits."))
    return digits


def excel_serial_to_date(number: float) -> dt.date:
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def _two_digit_year(year: int, today: dt.date) -> int:
    # People in a staff list are at least 15: "85" is 1985; "05" is 2005 only if that is old enough.
    limit = (today.year - 15) % 100
    return 2000 + year if year <= limit else 1900 + year


def parse_date(value, today: dt.date | None = None) -> dt.date:
    """A date from an Excel date, an Excel day number or text; `today` (the default) is the latest allowed."""
    today = today or timezone.localdate()
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if 1900 <= value <= 2100 and float(value).is_integer():
            raise CellError(_("Only the year is given; enter the full date as dd/mm/yyyy."))
        if not 1 <= value < 2958466:
            raise CellError(_("Enter a date as dd/mm/yyyy, e.g. 17/05/1985."))
        result = excel_serial_to_date(value)  # a date cell whose format was lost
    else:
        text = as_text(value)
        if _masked(text):
            raise CellError(_("This date is masked (***). Export the list with full data, or type the date."))
        match = _DATE_TEXT.match(text)
        iso = _ISO_DATE.match(text)
        try:
            if match:
                day, month, year = (int(g) for g in match.groups())
                if len(match.group(3)) == 2:
                    year = _two_digit_year(year, today)
                result = dt.date(year, month, day)
            elif iso:
                result = dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
            elif is_digits(text) and len(text) == 4:
                raise CellError(_("Only the year is given; enter the full date as dd/mm/yyyy."))
            else:
                raise CellError(_("Enter a date as dd/mm/yyyy, e.g. 17/05/1985."))
        except ValueError as exc:
            if isinstance(exc, CellError):
                raise
            raise CellError(_("%(text)s is not a real date (day/month/year).") % {"text": text}) from exc
    if result.year < 1900:
        raise CellError(_("The year %(year)s is too early.") % {"year": result.year})
    if result > today:
        raise CellError(_("The date is in the future."))
    return result


_GENDERS = {
    "nam": MALE, "male": MALE, "m": MALE, "trai": MALE,
    "nu": FEMALE, "female": FEMALE, "f": FEMALE, "gai": FEMALE,
}


@functools.lru_cache(maxsize=64)
def _gender(value) -> str | None:
    return _GENDERS.get(fold(as_text(value)))


def parse_gender(value) -> str:
    gender = _gender(value)
    if gender is None:
        raise CellError(_("Write the gender as Nam or Nữ."))
    return gender


def parse_rank(value) -> tuple[str, str | None]:
    """(rank code, warning): a code like 01.003 (also typed as the number 1.003) or a common rank name."""
    if isinstance(value, float):
        value = f"{value:.3f}"
    text = as_text(value)
    match = _RANK_NUMBER.match(text.replace(" ", ""))
    if match:
        code = f"{int(match.group(1)):02d}.{match.group(2).ljust(3, '0')}{match.group(3)}"
        if RANK_CODE_RE.match(code):
            return code, None
    if RANK_CODE_RE.match(text):
        return text, None
    code = RANK_NAMES.get(fold(text))
    if code:
        return code, None
    return "", _("The rank “%(text)s” is not recognised and was left out; put the rank code (e.g. 01.003) in the "
                 "rank code column.") % {"text": text}


def parse_rank_code(value) -> str:
    code, warning = parse_rank(value)
    if warning:
        raise CellError(_("A rank code looks like 01.003 (civil servants) or V.07.03.29 (public employees)."))
    return code


def parse_phone(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return normalise_phone(as_text(value))
    except PhoneError as error:
        raise CellError(error.message) from None


def parse_email(value) -> str:
    return as_text(value).lower()


def parse_text(value) -> str:
    return as_text(value)
