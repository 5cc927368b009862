"""Excel import: the downloadable template, one row per question of every type, and per-row errors."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from hocso.assessment.bank.formats import common, xlsx
from hocso.assessment.bank.tests.helpers import filled_template
from hocso.assessment.models import Difficulty, QuestionType

pytestmark = pytest.mark.usefixtures("english")



def parse(rows: list[dict]) -> common.ParseResult:
    return common.validate(xlsx.parse(filled_template(rows)))


def test_template_has_questions_instructions_and_examples():
    with translation.override("en"):
        workbook = load_workbook(io.BytesIO(xlsx.template()))
    assert workbook.sheetnames == ["Questions", "Instructions", "Examples"]
    headers = [c.value for c in workbook["Questions"][1]]
    assert headers[:5] == ["Category", "Question type", "Question name", "Question text", "Option A"]
    guide = " ".join(str(c.value) for row in workbook["Instructions"].iter_rows() for c in row if c.value)
    assert "Correct answer" in guide and "matching" in guide
    assert workbook["Questions"].max_row == 1  # no example rows that would be imported by mistake


def test_the_examples_sheet_imports_cleanly_when_pasted():
    workbook = load_workbook(io.BytesIO(xlsx.template()))
    examples = [list(r) for r in workbook.worksheets[2].iter_rows(min_row=2, values_only=True)]
    sheet = workbook.worksheets[0]
    for row in examples:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    result = common.validate(xlsx.parse(out.getvalue()))
    assert result.problems == []
    assert [q.qtype for q in result.valid] == list(QuestionType.values)


def test_every_type_from_rows():
    result = parse([
        {"category": "ATTT/Mật khẩu", "type": "single", "name": "Mạnh", "text": "Mật khẩu nào\nmạnh nhất?",
         "option:A": "123", "option:B": "T9#mK2", "option:C": "abc", "correct": "B", "difficulty": "Khó",
         "mark": 2, "tags": "mật khẩu; an toàn", "feedback": "Dài và trộn ký tự", "idnumber": "MK-1"},
        {"type": "Nhiều lựa chọn", "text": "Dấu hiệu lừa đảo?", "option:A": "a", "option:B": "b",
         "option:C": "c", "option:D": "d", "correct": "A, B, D", "negative_marking": "có"},
        {"type": "Đúng/Sai", "text": "VNeID do Bộ Công an quản lý.", "correct": "Đúng"},
        {"type": "truefalse", "text": "Sai?", "correct": False},
        {"type": "shortanswer", "text": "Thủ đô?", "option:A": "Hà Nội", "option:B": "HN",
         "ignore_diacritics": "x"},
        {"type": "ghép cặp", "text": "Ghép", "option:A": "VNeID -> Bộ Công an", "option:B": "DVC → VPCP",
         "option:C": "-> Bộ Tài chính"},
        {"type": "essay", "text": "Trình bày", "mark": "5,5"},
    ])
    assert result.errors == [] and result.problems == []
    single, multiple, true, false, short, matching, essay = result.valid
    assert single.position == 2 and single.category == ["ATTT", "Mật khẩu"]
    assert single.text == "<p>Mật khẩu nào<br>mạnh nhất?</p>"
    assert [o["fraction"] for o in single.data["options"]] == ["0", "1", "0"]
    assert single.difficulty == Difficulty.HARD and single.default_mark == "2.000"
    assert single.tags == ["mật khẩu", "an toàn"] and single.idnumber == "MK-1"
    assert single.general_feedback == "<p>Dài và trộn ký tự</p>"
    assert multiple.name == "Dấu hiệu lừa đảo?"
    fractions = [Decimal(o["fraction"]) for o in multiple.data["options"]]
    assert sum(f for f in fractions if f > 0) == 1 and fractions[2] == -1
    assert multiple.data["negative_marking"] is True and multiple.data["partial_credit"] is True
    assert true.data["correct"] is True and false.data["correct"] is False
    assert [a["text"] for a in short.data["answers"]] == ["Hà Nội", "HN"]
    assert short.data["ignore_diacritics"] is True
    assert [(p["left"], p["right"]) for p in matching.data["pairs"]] == [("VNeID", "Bộ Công an"), ("DVC", "VPCP")]
    assert matching.data["distractors"][0]["text"] == "Bộ Tài chính"
    assert essay.default_mark == "5.500"


def test_row_errors_are_reported_with_the_row_number():
    result = parse([
        {"type": "single", "text": "Một", "option:A": "a", "option:B": "b", "correct": "C"},
        {"type": "tính toán", "text": "Hai"},
        {"type": "single", "text": "Ba", "option:A": "a", "option:B": "b", "correct": "A, B"},
        {},
        {"type": "truefalse", "text": "Năm", "correct": "có lẽ"},
        {"type": "matching", "text": "Sáu", "option:A": "không có mũi tên", "option:B": "x -> y"},
        {"type": "single", "text": "Bảy", "option:A": "a", "option:B": "b", "correct": "A", "mark": "nhiều"},
    ])
    problems = {q.position: " ".join(q.errors) for q in result.problems}
    assert set(problems) == {2, 3, 4, 6, 7, 8}  # the empty row 5 is skipped
    assert "C" in problems[2]
    assert "tính toán" in problems[3]
    assert "exactly one" in problems[4]
    assert "Sai" in problems[6]
    assert "left -> right" in problems[7]
    assert "nhiều" in problems[8]


def test_headers_in_vietnamese_in_any_order_are_found():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ghi chú của tôi"])
    sheet.append(["Nội dung câu hỏi", "Loại câu hỏi", "Phương án A", "Phương án B", "Đáp án đúng"])
    sheet.append(["Thủ đô?", "single", "Hà Nội", "Huế", "A"])
    out = io.BytesIO()
    workbook.save(out)
    result = common.validate(xlsx.parse(out.getvalue()))
    assert [(q.position, q.qtype) for q in result.valid] == [(3, "single")]


def test_not_a_workbook_or_no_header():
    assert "Excel" in xlsx.parse(b"not a zip file").errors[0]
    workbook = Workbook()
    workbook.active.append(["a", "b"])
    out = io.BytesIO()
    workbook.save(out)
    assert "header" in xlsx.parse(out.getvalue()).errors[0]
