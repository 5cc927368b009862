"""Excel import: one question per row of the first sheet, under a header row; and the template to fill in.

Columns are found by their header (in English or Vietnamese, any order), so a file made by hand works as long as
the headers match. Option columns ("Option A", "Option B", … as many as needed) hold the choices; for matching
they hold "left -> right" ("-> text" alone is a distractor) and for short answer the accepted answers. Texts are
plain: line breaks are kept, HTML is shown as written.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from hocso.core.exporting import add_sheet, append_row, new_workbook, workbook_bytes
from hocso.core.text import fold, is_digits, normalize
from hocso.core.uploads import XLSX as UPLOAD_XLSX
from hocso.core.uploads import FileRejected, UploadLimits, open_workbook

from ...models import Difficulty, QuestionType
from .common import (
    MAX_IMPORT_BYTES,
    XLSX,
    ParsedQuestion,
    ParseResult,
    inline_html,
    snap_fractions,
    split_category_path,
    text_to_html,
)

MAX_ROWS = 5000
OPTION_LETTERS = "ABCDEFGH"

_option_label = lazy(lambda letter: _("Option %(letter)s") % {"letter": letter}, str)

# (key, header msgid, Vietnamese headers accepted even before the catalogue is compiled)
COLUMNS: list[tuple[str, object, tuple[str, ...]]] = [
    ("category", gettext_lazy("Category"), ("Chủ đề", "Danh mục")),
    ("type", gettext_lazy("Question type"), ("Loại câu hỏi", "Loại")),
    ("name", gettext_lazy("Question name"), ("Tên câu hỏi", "Tên")),
    ("text", gettext_lazy("Question text"), ("Nội dung câu hỏi", "Nội dung", "Câu hỏi")),
    *[(f"option:{letter}", _option_label(letter),
       (f"Phương án {letter}", f"Đáp án {letter}")) for letter in "ABCDEF"],
    ("correct", gettext_lazy("Correct answer"), ("Đáp án đúng",)),
    ("difficulty", gettext_lazy("Difficulty"), ("Độ khó", "Mức độ")),
    ("mark", gettext_lazy("Mark"), ("Điểm",)),
    ("tags", gettext_lazy("Tags"), ("Thẻ", "Từ khóa")),
    ("feedback", gettext_lazy("General feedback"), ("Phản hồi chung", "Giải thích")),
    ("partial_credit", gettext_lazy("Partial credit"), ("Chấm từng phần",)),
    ("negative_marking", gettext_lazy("Negative marking"), ("Trừ điểm khi sai",)),
    ("case_sensitive", gettext_lazy("Case sensitive"), ("Phân biệt hoa thường",)),
    ("ignore_diacritics", gettext_lazy("Ignore diacritics"), ("Bỏ qua dấu",)),
    ("idnumber", gettext_lazy("ID number"), ("Mã câu hỏi",)),
]
_OPTION_HEADER = re.compile(r"^(?:option|phuong an|dap an|lua chon) ([a-z])$")

_TYPE_ALIASES = {
    QuestionType.SINGLE: ("mot lua chon", "mot dap an", "trac nghiem", "single choice", "single", "mc"),
    QuestionType.MULTIPLE: ("nhieu lua chon", "nhieu dap an", "multiple choice", "multiple"),
    QuestionType.TRUE_FALSE: ("dung/sai", "dung sai", "dung - sai", "true/false", "truefalse", "tf"),
    QuestionType.SHORT_ANSWER: ("tra loi ngan", "dien tu", "short answer", "shortanswer"),
    QuestionType.MATCHING: ("ghep cap", "noi cap", "ghep noi", "matching"),
    QuestionType.ESSAY: ("tu luan", "essay"),
}
_DIFFICULTY_ALIASES = {
    Difficulty.EASY: ("1", "de", "easy", "nhan biet"),
    Difficulty.MEDIUM: ("2", "trung binh", "medium", "thong hieu"),
    Difficulty.HARD: ("3", "kho", "hard", "van dung"),
}
_YES = {"1", "x", "yes", "y", "co", "c", "true", "dung", "d", "t"}
_NO = {"0", "no", "n", "khong", "k", "false", "sai", "s", "f"}


def _in_languages(label) -> set[str]:
    """The folded forms of a lazy label in English, Vietnamese and the active language."""
    forms = {fold(str(label))}
    for language in ("en", "vi"):
        with translation.override(language):
            forms.add(fold(str(label)))
    return forms


def _header_map() -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, label, aliases in COLUMNS:
        for form in _in_languages(label) | {fold(a) for a in aliases}:
            headers[form] = key
    return headers


def _choice_map(aliases: dict, labels: dict) -> dict[str, object]:
    mapping: dict[str, object] = {}
    for value, words in aliases.items():
        for word in {*words, str(value)}:
            mapping[fold(word)] = value
        for form in _in_languages(labels[value]):
            mapping[form] = value
    return mapping


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()


def _flag(value: str, default: bool, question: ParsedQuestion, label) -> bool:
    folded = fold(value)
    if not folded:
        return default
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    question.errors.append(_("%(column)s: write “yes” or “no”, not “%(value)s”.") % {"column": label, "value": value})
    return default


def parse(data: bytes) -> ParseResult:
    """Read through the shared bounded reader (hocso.core.uploads): sizes, extent and merged cells are checked
    before anything is read, so a hostile workbook is one clear error, never the server's memory."""
    result = ParseResult(file_format=XLSX)
    try:
        workbook = open_workbook(data, limits=UploadLimits.from_settings(max_bytes=MAX_IMPORT_BYTES),
                                 kinds=(UPLOAD_XLSX,))
        questions_title = _in_languages(gettext_lazy("Questions"))
        name = next((n for n in workbook.sheet_names if fold(n) in questions_title), workbook.sheet_names[0])
        rows = iter(workbook.sheet(name).rows)
    except FileRejected as exc:
        result.errors.append(exc.message)
        return result
    headers = _header_map()
    columns: dict[str, int] = {}
    header_row = 0
    for number, row in enumerate(rows, start=1):
        if number > 10:
            break
        found = {}
        for index, value in enumerate(row):
            folded = fold(_cell(value))
            key = headers.get(folded)
            option = _OPTION_HEADER.match(folded)
            if key is None and option:
                key = f"option:{option.group(1).upper()}"
            if key and key not in found:
                found[key] = index
        if "type" in found and "text" in found:
            columns, header_row = found, number
            break
    if not columns:
        result.errors.append(_("The header row was not found: the first rows must contain the columns “%(type)s” "
                               "and “%(text)s”. Download the template to see the expected columns.")
                             % {"type": _("Question type"), "text": _("Question text")})
        return result

    types = _choice_map(_TYPE_ALIASES, dict(QuestionType.choices))
    difficulties = _choice_map(_DIFFICULTY_ALIASES, dict(Difficulty.choices))
    option_keys = sorted(k for k in columns if k.startswith("option:"))
    for number, row in enumerate(rows, start=header_row + 1):
        values = {key: _cell(row[index]) if index < len(row) else "" for key, index in columns.items()}
        if not any(values.values()):
            continue
        if len(result.questions) >= MAX_ROWS:
            result.errors.append(_("The file has more than %(max)s questions; split it into smaller files.")
                                 % {"max": MAX_ROWS})
            break
        options = [(key[-1], values[key]) for key in option_keys if values[key]]
        result.questions.append(_row(number, values, options, types, difficulties))
    if not result.questions and not result.errors:
        result.errors.append(_("The file contains no questions."))
    return result


def _row(number: int, values: dict, options: list[tuple[str, str]], types: dict, difficulties: dict) -> ParsedQuestion:
    raw_type = values.get("type", "")
    qtype = types.get(fold(raw_type), "")
    question = ParsedQuestion(position=number, line=number, source_type=raw_type or "?", qtype=qtype,
                              name=normalize(values.get("name", "")),
                              category=split_category_path(values.get("category", "")),
                              text=text_to_html(values.get("text", ""), "plain"),
                              general_feedback=text_to_html(values.get("feedback", ""), "plain"),
                              idnumber=normalize(values.get("idnumber", ""))[:100],
                              tags=[normalize(t) for t in re.split(r"[,;]", values.get("tags", "")) if normalize(t)])
    if not qtype:
        if raw_type:
            question.errors.append(_("Unknown question type “%(type)s”.") % {"type": raw_type})
        else:
            question.errors.append(_("Give the question type."))
        return question
    if values.get("mark"):
        try:
            question.default_mark = str(Decimal(values["mark"].replace(",", ".")))
        except InvalidOperation:
            question.errors.append(_("The mark “%(value)s” is not a number.") % {"value": values["mark"]})
    if values.get("difficulty"):
        difficulty = difficulties.get(fold(values["difficulty"]))
        if difficulty is None:
            question.errors.append(_("Unknown difficulty “%(value)s”: use 1, 2 or 3.")
                                   % {"value": values["difficulty"]})
        else:
            question.difficulty = int(difficulty)

    def flag(key: str, default: bool) -> bool:
        label = next(str(label) for k, label, _a in COLUMNS if k == key)
        return _flag(values.get(key, ""), default, question, label)

    correct = values.get("correct", "")
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        _choices(question, options, correct, negative=flag("negative_marking", False),
                 partial=flag("partial_credit", True))
    elif qtype == QuestionType.TRUE_FALSE:
        value = fold(correct)
        if value not in _YES and value not in _NO:
            question.errors.append(_("Write “Đúng” (true) or “Sai” (false) in the correct answer column."))
        question.data = {"correct": value in _YES, "feedback_true": "", "feedback_false": "",
                         "negative_marking": flag("negative_marking", False)}
    elif qtype == QuestionType.SHORT_ANSWER:
        texts = [text for _letter, text in options] or [t for t in correct.split("|") if t.strip()]
        question.data = {"answers": [{"text": normalize(t), "fraction": "1", "feedback": ""} for t in texts],
                         "case_sensitive": flag("case_sensitive", False),
                         "ignore_diacritics": flag("ignore_diacritics", False)}
    elif qtype == QuestionType.MATCHING:
        pairs, distractors = [], []
        for letter, text in options:
            left, arrow, right = re.sub("→|=>", "->", text).partition("->")
            if not arrow or not right.strip():
                question.errors.append(_("Option %(letter)s: write a pair as “left -> right”.") % {"letter": letter})
            elif left.strip():
                pairs.append({"id": f"p{len(pairs) + 1}", "left": inline_html(left), "right": normalize(right)})
            else:
                distractors.append({"id": f"d{len(distractors) + 1}", "text": normalize(right)})
        question.data = {"pairs": pairs, "distractors": distractors, "shuffle": True}
    elif qtype == QuestionType.ESSAY:
        question.data = {"min_words": None, "max_words": None, "grader_info": ""}
    return question


def _choices(question: ParsedQuestion, options: list[tuple[str, str]], correct: str, *, negative: bool,
             partial: bool) -> None:
    letters = [letter for letter, _text in options]
    tokens = [t for t in re.split(r"[\s,;]+", correct.upper()) if t]
    if len(tokens) == 1 and len(tokens[0]) > 1 and tokens[0].isalpha():
        tokens = list(tokens[0])  # "AC"
    chosen = []
    for token in tokens:
        letter = OPTION_LETTERS[int(token) - 1] if is_digits(token) and 0 < int(token) <= len(OPTION_LETTERS) else token
        if letter not in letters:
            question.errors.append(_("The correct answer “%(value)s” is not one of the options.") % {"value": token})
        elif letter not in chosen:
            chosen.append(letter)
    if not chosen:
        question.errors.append(_("Give the correct answer as the letter of an option (e.g. A, or A, C)."))
    single = question.qtype == QuestionType.SINGLE
    if single and len(chosen) > 1:
        question.errors.append(_("A single-choice question has exactly one correct option."))
    wrong = len(options) - len(chosen)
    right_share = (Decimal(1) / len(chosen)).quantize(Decimal("0.0000001")) if chosen else Decimal(0)
    # With negative marking, guessing at random is worth 0 on average: the wrong options share -100%.
    wrong_share = -(Decimal(1) / wrong).quantize(Decimal("0.0000001")) if negative and wrong else Decimal(0)
    question.data = {
        "options": [{"id": f"o{i}", "text": inline_html(text), "feedback": "",
                     "fraction": str((right_share if letter in chosen else wrong_share).normalize())}
                    for i, (letter, text) in enumerate(options, start=1)],
        "negative_marking": negative, "shuffle": True,
    }
    snap_fractions(question.data["options"], multiple=not single)
    if not single:
        question.data["partial_credit"] = partial


# --- The template ------------------------------------------------------------------------------------------------


def template() -> bytes:
    """The .xlsx to fill in: a Questions sheet (headers, drop-downs), an Instructions sheet and an Examples sheet."""
    workbook = new_workbook()
    sheet = add_sheet(workbook, _("Questions"))
    headers = [str(label) for _key, label, _aliases in COLUMNS]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    append_row(sheet, headers)
    for index, _header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = 40 if index == 4 else 18
    sheet.freeze_panes = "A2"
    type_list = DataValidation(type="list", formula1='"' + ",".join(QuestionType.values) + '"', allow_blank=True)
    difficulty_list = DataValidation(type="list", formula1='"1,2,3"', allow_blank=True)
    sheet.add_data_validation(type_list)
    sheet.add_data_validation(difficulty_list)
    keys = [key for key, _label, _aliases in COLUMNS]
    type_list.add(f"{get_column_letter(keys.index('type') + 1)}2:{get_column_letter(keys.index('type') + 1)}5000")
    difficulty_column = get_column_letter(keys.index("difficulty") + 1)
    difficulty_list.add(f"{difficulty_column}2:{difficulty_column}5000")

    guide = add_sheet(workbook, _("Instructions"))
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 100
    append_row(guide, [str(_("How to fill in the Questions sheet"))])
    guide["A1"].font = Font(bold=True, size=13)
    append_row(guide, [str(_("One question per row, below the header row. Empty rows are skipped. Do not rename the "
                        "headers; you may remove columns you do not use and add option columns (Option G, …)."))])
    append_row(guide, ())
    for key, text in _column_help():
        label = next(str(label) for k, label, _a in COLUMNS if k == key)
        append_row(guide, [label, text])
    append_row(guide, ())
    append_row(guide, [_("Question types"), ", ".join(f"{value} = {label}" for value, label in QuestionType.choices)])
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    examples = add_sheet(workbook, _("Examples"))
    append_row(examples, headers)
    for cell in examples[1]:
        cell.font = bold
    for example in _examples():
        append_row(examples, [example.get(key, "") for key in keys])
    return workbook_bytes(workbook)


def _column_help() -> list[tuple[str, str]]:
    return [
        ("category", _("Sub-category path inside the category chosen when importing, e.g. “Security/Passwords”. "
                       "Empty: the chosen category itself.")),
        ("type", _("single, multiple, truefalse, shortanswer, matching or essay (the names of the types are "
                   "accepted too).")),
        ("name", _("A short name shown in the bank's lists. Empty: the beginning of the question text.")),
        ("text", _("The question as learners read it. Line breaks are kept.")),
        ("option:A", _("Options A, B, C, …: the choices. Matching: “left -> right” per option, “-> text” for a "
                       "distractor. Short answer: one accepted answer per option.")),
        ("correct", _("Single choice: the letter of the right option (A). Multiple choice: the letters (A, C); "
                      "each right option is worth an equal share. True/false: Đúng or Sai.")),
        ("difficulty", _("1 (easy), 2 (medium) or 3 (hard). Empty: 2.")),
        ("mark", _("The question's default mark. Empty: 1.")),
        ("tags", _("Tags separated by commas.")),
        ("feedback", _("Shown to learners after the quiz, when the review allows it.")),
        ("partial_credit", _("Multiple choice: yes (default) gives a share for each right option; no gives marks "
                             "only when exactly the right options are chosen.")),
        ("negative_marking", _("Yes: wrong options take marks away (together −100%). Default: no.")),
        ("case_sensitive", _("Short answer: yes if upper and lower case must match. Default: no.")),
        ("ignore_diacritics", _("Short answer: yes to accept answers typed without Vietnamese accents. "
                                "Default: no.")),
        ("idnumber", _("Optional identifier shared with other systems.")),
    ]


def _examples() -> list[dict[str, str]]:
    return [
        {"category": "An toàn thông tin", "type": "single", "name": "Mật khẩu mạnh",
         "text": "Mật khẩu nào sau đây mạnh nhất?", "option:A": "123456", "option:B": "matkhau",
         "option:C": "T9#mK2!vQx", "correct": "C", "difficulty": "1", "tags": "mật khẩu, an toàn"},
        {"category": "An toàn thông tin", "type": "multiple", "name": "Dấu hiệu lừa đảo",
         "text": "Những dấu hiệu nào cho thấy một thư điện tử có thể là lừa đảo?",
         "option:A": "Yêu cầu cung cấp mật khẩu gấp", "option:B": "Địa chỉ người gửi lạ",
         "option:C": "Gửi từ hộp thư công vụ của cơ quan", "correct": "A, B", "difficulty": "2"},
        {"category": "Chuyển đổi số", "type": "truefalse", "text": "VNeID là ứng dụng định danh điện tử quốc gia.",
         "correct": "Đúng"},
        {"category": "Chuyển đổi số", "type": "shortanswer", "text": "Viết tắt của “Cổng Dịch vụ công quốc gia”?",
         "option:A": "DVCQG", "option:B": "Cổng DVCQG", "ignore_diacritics": "có"},
        {"category": "Chuyển đổi số", "type": "matching", "text": "Ghép mỗi dịch vụ với cơ quan quản lý.",
         "option:A": "VNeID -> Bộ Công an", "option:B": "Cổng Dịch vụ công quốc gia -> Văn phòng Chính phủ",
         "option:C": "-> Bộ Tài chính"},
        {"category": "Chuyển đổi số", "type": "essay", "text": "Nêu ba lợi ích của chuyển đổi số ở cấp xã.",
         "mark": "5", "difficulty": "3"},
    ]
