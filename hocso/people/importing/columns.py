"""Which column holds what: the header row found under title rows, in Vietnamese with or without diacritics.

Header texts are compared in a folded form ("Số CCCD/CMND (12 số)" -> "so cccd cmnd"): lower case, no
diacritics, no text in brackets, punctuation as spaces. The English names that an export in English writes are
recognised too, so any file this system produces can be imported again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocso.core.text import fold, is_digits
from hocso.core.uploads import Sheet

from .errors import ImportFileError

HEADER_SEARCH_ROWS = 30
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Folded header text -> field. One field may have many spellings; a spelling belongs to one field only.
ALIASES: dict[str, tuple[str, ...]] = {
    "row_number": ("stt", "tt", "so tt", "so thu tu", "thu tu", "no", "number", "#"),
    "error": ("loi", "error", "errors", "cac loi", "mo ta loi"),
    "full_name": (
        "ho va ten", "ho ten", "ho va ten can bo", "ho ten can bo", "ho va ten cong chuc", "ho va ten vien chuc",
        "ho va ten nguoi lao dong", "ten can bo", "ten cb", "ho va ten khai sinh", "full name", "name",
    ),
    "family_middle": ("ho va dem", "ho dem", "ho va ten dem", "ho va chu dem", "ho va ten lot", "ho lot"),
    "family_name": ("ho", "family name", "surname", "last name"),
    "middle_name": ("ten dem", "chu dem", "dem", "ten lot", "middle name"),
    "given_name": ("ten", "ten goi", "given name", "first name"),
    "cccd": (
        "so cccd", "cccd", "cccd cmnd", "cmnd cccd", "so cccd cmnd", "so cmnd cccd", "so cmnd", "cmnd",
        "can cuoc cong dan", "so can cuoc cong dan", "so can cuoc", "can cuoc", "so the can cuoc", "ma dinh danh",
        "so dinh danh", "so dinh danh ca nhan", "ma so dinh danh ca nhan", "ma dinh danh ca nhan",
        "cccd number", "citizen id", "id number",
    ),
    "date_of_birth": (
        "ngay sinh", "ngay thang nam sinh", "ngay thang sinh", "sinh ngay", "ngay sinh dd mm yyyy",
        "date of birth", "birth date", "birthday", "dob",
    ),
    "gender": ("gioi tinh", "gioi", "phai", "gender", "sex"),
    "unit": (
        "don vi", "don vi cong tac", "ten don vi", "co quan", "co quan don vi", "ten co quan", "noi cong tac",
        "co quan cong tac", "phong ban", "unit", "unit name",
    ),
    "unit_code": (
        "ma don vi", "ma co quan", "ma dinh danh co quan", "ma dinh danh don vi", "ma dvi", "unit code",
        "agency code",
    ),
    "position": (
        "chuc vu", "chuc danh", "chuc vu chuc danh", "chuc vu hien tai", "chuc vu hien nay", "vi tri viec lam",
        "position", "job title",
    ),
    "rank": (
        "ngach", "ngach cong chuc", "ngach vien chuc", "ngach chuc danh nghe nghiep", "ngach cdnn",
        "chuc danh nghe nghiep", "ngach hang", "rank",
    ),
    "rank_code": (
        "ma ngach", "ma so ngach", "ma ngach chuc danh", "ma chuc danh nghe nghiep", "ma cdnn", "ma ngach hang",
        "rank code",
    ),
    "target_group": ("doi tuong", "nhom doi tuong", "doi tuong boi duong", "loai doi tuong", "target group"),
    "email": ("email", "e mail", "thu dien tu", "dia chi email", "dia chi thu dien tu", "hop thu", "mail"),
    "phone": (
        "so dien thoai", "dien thoai", "sdt", "so dt", "dt", "di dong", "so di dong", "dien thoai di dong",
        "phone", "mobile", "phone number",
    ),
    "status": ("trang thai", "tinh trang", "tinh trang cong tac", "status"),
}
FIELD_OF: dict[str, str] = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
MALE_WORDS = {"nam", "male", "m"}
FEMALE_WORDS = {"nu", "female", "f"}
# Fields derived from a two-row header: "Ngày sinh" over "Nam" | "Nữ", "Giới tính" over "Nam" | "Nữ".
SPLIT_FIELDS = {
    ("date_of_birth", "male"): "dob_male",
    ("date_of_birth", "female"): "dob_female",
    ("gender", "male"): "gender_male_mark",
    ("gender", "female"): "gender_female_mark",
}
IGNORED_FIELDS = {"row_number", "error"}
IDENTIFYING = {"full_name", "given_name", "family_middle", "cccd"}

# What the file must contain, for the "no header" message (gettext_lazy: rendered in the reader's language).
EXPECTED_COLUMNS = (gettext_lazy("Full name"), gettext_lazy("CCCD number"))


def header_key(value) -> str:
    """'Số CCCD/CMND (12 số)*' -> 'so cccd cmnd'."""
    if not isinstance(value, str):
        return ""
    text = _BRACKETS.sub(" ", fold(value))
    return _NON_ALNUM.sub(" ", text).strip()


@dataclass
class Layout:
    header_rows: tuple[int, ...]
    data_start: int
    columns: dict[str, int]
    labels: dict[str, str]
    ignored: list[str] = field(default_factory=list)

    def label(self, name: str) -> str:
        return self.labels.get(name, "")


def _row_fields(row: list) -> set[str]:
    return {FIELD_OF[key] for key in map(header_key, row) if key in FIELD_OF}


def _looks_like_data(value) -> bool:
    if isinstance(value, dt.date | dt.datetime):
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value >= 1000
    if isinstance(value, str):
        digits = re.sub(r"\D", "", value)
        return len(digits) >= 6
    return False


def is_numbering_row(row: list) -> bool:
    """The '(1) (2) (3) …' or '1 2 3 …' row official forms put under the header."""
    values = [v for v in row if v not in ("", None)]
    if len(values) < 3:
        return False
    numbers = []
    for value in values:
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
        text = text.strip("()[] ")
        if not is_digits(text):
            return False
        numbers.append(int(text))
    return numbers == sorted(numbers) and numbers[0] <= 2


def _gender_word(key: str) -> str | None:
    if key in MALE_WORDS:
        return "male"
    if key in FEMALE_WORDS:
        return "female"
    return None


def find_layout(sheet: Sheet) -> Layout | None:
    """The header row (or two rows, when merged group headers have sub-headers) and what each column holds."""
    rows = sheet.rows
    best, best_score = None, 1
    for index in range(min(len(rows), HEADER_SEARCH_ROWS)):
        fields = _row_fields(rows[index]) - IGNORED_FIELDS
        if not fields & IDENTIFYING:
            continue
        if len(fields) > best_score:
            best, best_score = index, len(fields)
    if best is None:
        return None
    top = rows[best]
    sub = rows[best + 1] if best + 1 < len(rows) else []
    width = max(len(top), len(sub))
    top_keys = [header_key(top[c]) if c < len(top) else "" for c in range(width)]
    sub_keys = [header_key(sub[c]) if c < len(sub) else "" for c in range(width)]

    # The row below is a second header row when it names columns and holds no data-looking values.
    sub_is_header = False
    if sub and not any(_looks_like_data(v) for v in sub):
        for c in range(width):
            key = sub_keys[c]
            if not key or key == top_keys[c]:
                continue
            if key in FIELD_OF or (_gender_word(key) and FIELD_OF.get(top_keys[c]) in ("date_of_birth", "gender")):
                sub_is_header = True
                break

    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    ignored: list[str] = []
    for c in range(width):
        top_text = str(top[c]).strip() if c < len(top) and top[c] not in ("", None) else ""
        sub_text = str(sub[c]).strip() if sub_is_header and c < len(sub) and sub[c] not in ("", None) else ""
        top_field = FIELD_OF.get(top_keys[c])
        name, label = None, top_text
        if sub_is_header and sub_text and sub_keys[c] != top_keys[c]:
            gender = _gender_word(sub_keys[c])
            if top_field in ("date_of_birth", "gender") and gender:
                name, label = SPLIT_FIELDS[(top_field, gender)], f"{top_text} / {sub_text}"
            elif sub_keys[c] in FIELD_OF:
                name, label = FIELD_OF[sub_keys[c]], sub_text
            else:
                label = f"{top_text} / {sub_text}" if top_text else sub_text
        elif top_field:
            name = top_field
        if name is None:
            if label and label not in ignored:
                ignored.append(label)
            continue
        if name in IGNORED_FIELDS:
            continue
        if name in columns:
            if label not in ignored:
                ignored.append(label)
            continue
        columns[name] = c
        labels[name] = label

    header_rows = (best, best + 1) if sub_is_header else (best,)
    data_start = header_rows[-1] + 1
    if data_start < len(rows) and is_numbering_row(rows[data_start]):
        data_start += 1
    return Layout(header_rows=header_rows, data_start=data_start, columns=columns, labels=labels, ignored=ignored)


def require_columns(layout: Layout | None) -> Layout:
    """Stop with a clear message when there is no header, or no column to name and match people by."""
    if layout is None:
        raise ImportFileError(
            "no_header",
            _("No header row was recognised in the first %(rows)s rows. The list needs a row of column names "
              "such as “%(name)s” and “%(cccd)s”; download the template to see them all.")
            % {"rows": HEADER_SEARCH_ROWS, "name": EXPECTED_COLUMNS[0], "cccd": EXPECTED_COLUMNS[1]},
        )
    columns = layout.columns
    if not ({"full_name", "given_name"} & set(columns)):
        raise ImportFileError(
            "no_name_column",
            _("The file has no column with people's names (for example “%(name)s”).") % {"name": _("Full name")},
        )
    if "cccd" not in columns:
        raise ImportFileError(
            "no_cccd_column",
            _("The file has no CCCD column (for example “%(cccd)s”). People are matched by their CCCD number, "
              "so it is required.") % {"cccd": _("CCCD number")},
        )
    return layout
