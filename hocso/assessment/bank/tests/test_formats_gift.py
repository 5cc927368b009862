"""GIFT import: every supported type, escapes, categories, comments, unsupported types and file problems."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hocso.assessment.bank.formats import common, gift
from hocso.assessment.bank.services import import_questions
from hocso.assessment.bank.tests.helpers import DATA
from hocso.assessment.models import Category, Question, QuestionType
from hocso.assessment.tests.factories import make_category
from hocso.tests.factories import SYSTEM

pytestmark = pytest.mark.usefixtures("english")




def parse(text: str) -> common.ParseResult:
    return common.validate(gift.parse(text.encode("utf-8")))


def sample() -> common.ParseResult:
    return common.parse_and_validate((DATA / "gift_sample.gift").read_bytes(), common.GIFT)


def test_sample_reads_every_supported_type():
    result = sample()
    assert result.errors == []
    assert [(q.position, q.line, q.qtype) for q in result.valid] == [
        (1, 5, "single"), (2, 12, "multiple"), (3, 18, "truefalse"), (4, 20, "truefalse"), (5, 24, "shortanswer"),
        (6, 26, "matching"), (7, 32, "essay"), (10, 38, "single"),
    ]
    assert dict(result.counts())[str(QuestionType.TRUE_FALSE.label)] == 2


def test_unsupported_types_are_reported_with_line_numbers():
    problems = [(q.position, q.line, q.name, q.source_type) for q in sample().problems]
    assert problems == [(8, 34, "Số xã", "numerical"), (9, 36, "Giới thiệu", "description")]


def test_title_comments_feedback_and_escapes():
    questions = {q.name: q for q in sample().valid}
    password = questions["Mật khẩu mạnh"]
    assert password.idnumber == "ATTT-02" and password.tags == ["mật khẩu", "an toàn"]
    assert password.category == ["Chuyển đổi số", "An toàn thông tin"]
    assert [(o["text"], o["fraction"], o["feedback"]) for o in password.data["options"]] == [
        ("123456", "0", "Quá dễ đoán."), ("T9#mK2!vQx", "1", "Đúng."), ("matkhau", "0", ""),
    ]
    assert password.general_feedback == "<p>Mật khẩu dài, trộn chữ, số và ký hiệu.</p>"
    assert questions["Viết tắt"].text == "<p>Viết tắt của {Cổng Dịch vụ công quốc gia} là gì?</p>"
    assert questions["Tỉ lệ"].text == "<p>Tỉ lệ 1:2 nghĩa là = một nửa?</p>"


def test_multiple_choice_html_truefalse_short_answer_and_matching():
    questions = {q.name: q for q in sample().valid}
    multiple = questions["Dấu hiệu lừa đảo"]
    assert multiple.text == "<p>Những dấu hiệu nào cho thấy thư là <b>lừa đảo</b>?</p>"
    assert [o["fraction"] for o in multiple.data["options"]] == ["0.5", "0.5", "-1"]
    truefalse = questions["VNeID"].data
    # {T#wrong#right}: the first feedback goes with the wrong answer (False), the second with True.
    assert truefalse == {"correct": True, "feedback_true": "Chính xác.", "feedback_false": "Sai rồi.",
                         "negative_marking": False}
    missing_word = next(q for q in sample().valid if q.position == 4)
    assert missing_word.text == "<p>Dịch vụ công trực tuyến toàn trình là _____ mức thấp nhất.</p>"
    assert missing_word.data["correct"] is False
    short = questions["Viết tắt"]
    assert short.category == ["Chuyển đổi số", "Dịch vụ công"]
    assert [(a["text"], a["fraction"], a["feedback"]) for a in short.data["answers"]] == [
        ("DVCQG", "1", ""), ("Cổng DVC", "0.5", "Gần đúng.")]
    matching = questions["Ghép dịch vụ"].data
    assert [(p["left"], p["right"]) for p in matching["pairs"]] == [
        ("VNeID", "Bộ Công an"), ("Cổng Dịch vụ công quốc gia", "Văn phòng Chính phủ")]
    assert matching["distractors"] == [{"id": "d1", "text": "Bộ Tài chính"}]


def test_thirds_and_multiline_questions():
    result = parse("::Ba::Chọn ba\ntrên hai dòng {\n~%33.33333%a\n~%33.33333%b\n~%33.33333%c\n~%-100%d\n}\n")
    question = result.valid[0]
    assert question.text == "<p>Chọn ba<br>trên hai dòng</p>"
    assert sum(Decimal(o["fraction"]) for o in question.data["options"] if Decimal(o["fraction"]) > 0) == 1


def test_untitled_question_is_named_from_its_text_and_plain_format_escapes():
    question = parse("[plain]Là <b> không phải thẻ? {TRUE}").valid[0]
    assert question.name == "Là <b> không phải thẻ?"
    assert question.text == "<p>Là &lt;b&gt; không phải thẻ?</p>"


def test_structural_errors_are_reported_per_question():
    result = parse("::Mở::Thiếu ngoặc {=a ~b\n\n::Hai::Hai khối {=a ~b} và {=c ~d}\n\n::Lạ::Câu {abc}\n\n"
                   "::Đúng::Câu đúng {=x ~y}")
    assert [q.name for q in result.valid] == ["Đúng"]
    errors = {q.name: " ".join(q.errors) for q in result.problems}
    assert "}" in errors["Mở"]
    assert "more than one" in errors["Hai"]
    assert "cannot be read" in errors["Lạ"]
    assert [q.line for q in result.problems] == [1, 3, 5]


def test_non_utf8_file_gets_a_clear_error():
    result = gift.parse("::Câu::Đô thi? {=Có}".encode("cp1258"))
    assert len(result.errors) == 1 and "UTF-8" in result.errors[0]
    assert result.questions == []


def test_empty_file_and_utf8_bom():
    assert "no questions" in gift.parse(b"// only a comment\n").errors[0]
    assert gift.parse("\ufeff::A::B {T}".encode()).questions[0].name == "A"


def test_import_into_the_bank(db):
    target = make_category("GIFT")
    outcome = import_questions(actor=SYSTEM, result=sample(), category=target)
    assert len(outcome.questions) == 8
    assert Category.objects.get(name="Dịch vụ công").parent.parent == target
    essay = Question.objects.get(qtype=QuestionType.ESSAY)
    assert essay.name == "Lợi ích" and essay.current_version.text.startswith("<p>Nêu ba")


def test_markers_above_a_category_line_go_to_the_next_question():
    result = parse("// [id:X-1] [tag:một]\n$CATEGORY: A/B\n\n// [tag:hai]\n::Q::Câu? {T}\n\n::R::Câu khác? {F}")
    first, second = result.valid
    assert (first.idnumber, first.tags, first.category) == ("X-1", ["một", "hai"], ["A", "B"])
    assert (second.idnumber, second.tags) == ("", [])
