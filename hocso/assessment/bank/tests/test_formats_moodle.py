"""Moodle XML import and export: every supported type, unsupported types reported, images, safety, round trip."""

from __future__ import annotations

import base64
import uuid
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hocso.assessment.bank.formats import common, moodle_xml
from hocso.assessment.bank.selectors import category_names_map
from hocso.assessment.bank.services import import_questions
from hocso.assessment.bank.tests.helpers import DATA
from hocso.assessment.models import Category, Question, QuestionType
from hocso.assessment.tests.factories import make_category, make_question
from hocso.tests.factories import SYSTEM

pytestmark = pytest.mark.usefixtures("english")




def parse_sample() -> common.ParseResult:
    return common.parse_and_validate((DATA / "moodle_sample.xml").read_bytes(), common.MOODLE_XML)


def by_name(result: common.ParseResult) -> dict[str, common.ParsedQuestion]:
    return {q.name: q for q in result.questions}


def test_sample_reads_every_supported_type_with_its_category():
    result = parse_sample()
    assert result.errors == []
    assert [(q.position, q.qtype) for q in result.valid] == [
        (1, "single"), (2, "multiple"), (3, "truefalse"), (4, "shortanswer"), (5, "matching"), (6, "essay"),
    ]
    questions = by_name(result)
    assert questions["Mật khẩu mạnh"].category == ["Chuyển đổi số", "An toàn thông tin"]
    assert questions["Viết tắt DVC"].category == ["Chuyển đổi số", "Dịch vụ công"]
    assert result.counts() == [(str(label), 1) for label in QuestionType.labels]


def test_unsupported_types_are_reported_by_position_and_name():
    problems = [(q.position, q.name, q.source_type) for q in parse_sample().problems]
    assert problems == [
        (7, "Tính diện tích", "calculated"), (8, "Số xã", "numerical"), (9, "Điền khuyết", "multianswer"),
        (10, "Kéo thả", "ddwtos"), (11, "Giới thiệu", "description"),
    ]
    assert all("not supported" in q.errors[0] for q in parse_sample().problems)


def test_single_choice_details_images_and_sanitising():
    question = by_name(parse_sample())["Mật khẩu mạnh"]
    assert question.default_mark == "2.000"
    assert question.idnumber == "ATTT-01"
    assert question.tags == ["mật khẩu", "an toàn"]
    assert "<script>" not in question.text and "alert" not in question.text
    assert "<b>mạnh nhất</b>" in question.text
    # @@PLUGINFILE@@/o%20kh%C3%B3a.png became the embedded PNG as a data: URL.
    assert 'src="data:image/png;base64,iVBORw0KGgo' in question.text
    assert "@@PLUGINFILE@@" not in question.text
    options = question.data["options"]
    assert [o["fraction"] for o in options] == ["0", "1", "-0.5"]
    assert options[1]["text"] == "T9#mK2!vQx" and options[1]["feedback"] == "Đúng."
    # A negative grade on a single-choice option is Moodle's negative marking.
    assert question.data["negative_marking"] is True
    assert question.general_feedback == "<p>Mật khẩu dài, trộn chữ, số và ký hiệu.</p>"


def test_thirds_written_as_33_33333_add_up_to_100_percent():
    question = by_name(parse_sample())["Dấu hiệu lừa đảo"]
    positive = [Decimal(o["fraction"]) for o in question.data["options"] if Decimal(o["fraction"]) > 0]
    assert sum(positive) == 1 and len(positive) == 3
    assert question.data["partial_credit"] is True and question.data["shuffle"] is False
    # moodle_auto_format: line breaks kept.
    assert question.text == "<p>Những dấu hiệu nào cho thấy thư là lừa đảo?<br>Chọn tất cả.</p>"


def test_truefalse_shortanswer_matching_essay():
    questions = by_name(parse_sample())
    truefalse = questions["VNeID"]
    assert truefalse.data["correct"] is True
    assert truefalse.data["feedback_false"] == "Chưa đúng."
    assert "&amp; do Bộ Công an" in truefalse.text  # plain_text is escaped
    short = questions["Viết tắt DVC"].data
    assert short["case_sensitive"] is True
    assert [(a["text"], a["fraction"]) for a in short["answers"]] == [("DVC", "1"), ("DV*", "0.5")]
    matching = questions["Ghép dịch vụ"].data
    assert [p["right"] for p in matching["pairs"]] == ["Bộ Công an", "Văn phòng Chính phủ"]
    assert [d["text"] for d in matching["distractors"]] == ["Bộ Tài chính"]
    essay = questions["Lợi ích chuyển đổi số"]
    assert essay.data == {"min_words": 50, "max_words": 300, "grader_info": "<p>Mỗi ý đúng 1 điểm.</p>"}
    assert essay.default_mark == "5.000" and essay.archived is True


def test_apply_creates_the_categories_and_questions_in_one_go(db):
    target = make_category("Ngân hàng nhập")
    outcome = import_questions(actor=SYSTEM, result=parse_sample(), category=target, filename="x.xml")
    assert len(outcome.questions) == 6 and outcome.skipped == 5
    security = Category.objects.get(name="An toàn thông tin")
    assert security.parent.name == "Chuyển đổi số" and security.parent.parent == target
    assert Question.objects.filter(category=security).count() == 3
    essay = Question.objects.get(qtype=QuestionType.ESSAY)
    assert essay.is_archived and essay.current_version.default_mark == Decimal(5)
    assert set(Question.objects.get(name="Mật khẩu mạnh").tags.values_list("name", flat=True)) == {"mật khẩu",
                                                                                                   "an toàn"}


def test_apply_is_all_or_nothing(db, monkeypatch):
    from hocso.assessment.bank.services import imports as module

    calls = {"n": 0}
    real = module.question_create

    def failing(**kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(module, "question_create", failing)
    with pytest.raises(RuntimeError):
        import_questions(actor=SYSTEM, result=parse_sample(), category=make_category("Đích"))
    assert Question.objects.count() == 0
    assert Category.objects.filter(name="An toàn thông tin").count() == 0


def test_non_utf8_file_gets_a_clear_error():
    data = '<?xml version="1.0"?><quiz><question type="essay"><name><text>Câu</text></name></question></quiz>'
    result = moodle_xml.parse(data.encode("cp1258"))
    assert len(result.errors) == 1 and "UTF-8" in result.errors[0]
    declared = moodle_xml.parse(b'<?xml version="1.0" encoding="windows-1258"?><quiz></quiz>')
    assert "windows-1258" in declared.errors[0]


def test_entities_and_malformed_xml_are_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b"<quiz><question type='essay'><name><text>&b;</text></name></question></quiz>")
    assert "DTD" in moodle_xml.parse(bomb).errors[0]
    broken = moodle_xml.parse(b"<quiz>\n<question type='essay'>\n<name></quiz>")
    assert "line 3" in broken.errors[0]
    assert "<quiz>" in moodle_xml.parse(b"<html></html>").errors[0]
    assert "no questions" in moodle_xml.parse(b"<quiz></quiz>").errors[0]


def test_multichoiceset_plugin_imports_as_all_or_nothing():
    xml = """<quiz><question type="multichoiceset"><name><text>Chọn hết</text></name>
    <questiontext format="html"><text>Chọn các đáp án đúng</text></questiontext>
    <answer fraction="100"><text>A</text></answer><answer fraction="100"><text>B</text></answer>
    <answer fraction="100"><text>C</text></answer><answer fraction="0"><text>D</text></answer>
    </question></quiz>"""
    result = common.validate(moodle_xml.parse(xml.encode()))
    question = result.valid[0]
    assert question.qtype == QuestionType.MULTIPLE and question.data["partial_credit"] is False
    assert sum(Decimal(o["fraction"]) for o in question.data["options"]) == 1


def test_invalid_question_is_listed_with_its_errors():
    xml = """<quiz><question type="multichoice"><name><text>Thiếu đáp án</text></name>
    <questiontext format="html"><text>Chọn?</text></questiontext><single>true</single>
    <answer fraction="0"><text>A</text></answer><answer fraction="abc"><text>B</text></answer></question></quiz>"""
    result = common.validate(moodle_xml.parse(xml.encode()))
    assert result.valid == []
    assert result.problems[0].name == "Thiếu đáp án"
    assert "abc" in " ".join(result.problems[0].errors)


# --- Export ------------------------------------------------------------------------------------------------------


def export_questions(questions: list[Question]) -> bytes:
    return moodle_xml.export(questions, category_names_map({q.category_id for q in questions}))


def test_export_writes_what_moodle_reads(db):
    parent = make_category("Chuyển đổi số")
    child = make_category("A/B thử", parent=parent)
    single = make_question(child, name="Một lựa chọn", text="<p>Chọn <b>một</b>]]> thôi</p>", tags=["tag một"])
    root = ET.fromstring(export_questions([single]))
    category, question = root.findall("question")
    assert category.get("type") == "category"
    assert category.findtext("category/text") == "$course$/top/Chuyển đổi số/A//B thử"
    assert question.get("type") == "multichoice" and question.findtext("single") == "true"
    assert question.findtext("questiontext/text") == "<p>Chọn <b>một</b>]]&gt; thôi</p>"
    assert [a.get("fraction") for a in question.findall("answer")] == ["100", "0", "0"]
    assert question.findtext("tags/tag/text") == "tag một"
    assert question.findtext("defaultgrade") == "1.0000000"


def test_export_moves_images_into_plugin_files(db):
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")
    src = "data:image/png;base64," + base64.b64encode(png).decode()
    question = make_question(make_category(), text=f'<p>Hình: <img src="{src}" alt="x"></p>')
    node = ET.fromstring(export_questions([question])).findall("question")[1].find("questiontext")
    assert '@@PLUGINFILE@@/image1.png' in node.findtext("text")
    assert node.find("file").get("name") == "image1.png"
    assert base64.b64decode(node.find("file").text) == png
    again = common.parse_and_validate(export_questions([question]), common.MOODLE_XML)
    assert again.valid[0].text == question.current_version.text


EVERY_TYPE = {
    QuestionType.SINGLE: {"options": [{"id": "a", "text": "Có", "fraction": "1", "feedback": "<p>Đúng</p>"},
                                      {"id": "b", "text": "Không", "fraction": "-0.5"}], "negative_marking": True,
                          "shuffle": False},
    QuestionType.MULTIPLE: {"options": [{"text": "A", "fraction": "0.3333333"}, {"text": "B", "fraction": "0.3333333"},
                                        {"text": "C", "fraction": "0.3333334"}, {"text": "D", "fraction": "-1"}],
                            "partial_credit": False},
    QuestionType.TRUE_FALSE: {"correct": False, "feedback_true": "<p>Sai</p>", "feedback_false": "Đúng",
                              "negative_marking": True},
    QuestionType.SHORT_ANSWER: {"answers": [{"text": "Hà Nội", "fraction": 1}, {"text": "HN*", "fraction": "0.5",
                                                                               "feedback": "gần"}],
                                "case_sensitive": False, "ignore_diacritics": True},
    QuestionType.MATCHING: {"pairs": [{"left": "<p>1</p>", "right": "một"}, {"left": "2", "right": "hai"}],
                            "distractors": [{"text": "ba"}], "shuffle": False},
    QuestionType.ESSAY: {"min_words": 10, "max_words": 200, "grader_info": "<p>Chấm kỹ</p>"},
}


def comparable(question_or_parsed) -> dict:
    """What must survive a round trip (identifiers of options are positional and may differ)."""
    if isinstance(question_or_parsed, Question):
        version = question_or_parsed.current_version
        fields = {"qtype": question_or_parsed.qtype, "name": question_or_parsed.name, "text": version.text,
                  "data": version.data, "mark": Decimal(version.default_mark),
                  "feedback": version.general_feedback, "difficulty": question_or_parsed.difficulty,
                  "tags": sorted(t.name for t in question_or_parsed.tags.all()),
                  "idnumber": question_or_parsed.idnumber, "archived": question_or_parsed.is_archived}
    else:
        parsed = question_or_parsed
        fields = {"qtype": parsed.qtype, "name": parsed.name, "text": parsed.text, "data": parsed.data,
                  "mark": Decimal(parsed.default_mark), "feedback": parsed.general_feedback,
                  "difficulty": parsed.difficulty, "tags": sorted(parsed.tags), "idnumber": parsed.idnumber,
                  "archived": parsed.archived}
    data = dict(fields["data"])
    for key in ("options", "pairs", "distractors"):
        if key in data:
            data[key] = [{k: v for k, v in item.items() if k != "id"} for item in data[key]]
    fields["data"] = data
    return fields


def test_round_trip_of_every_type_keeps_the_questions(db):
    category = make_category("Khứ hồi")
    originals = [make_question(category, qtype=qtype, data=data, name=f"Câu {qtype}", difficulty=3,
                               tags=["thẻ"], idnumber=f"ID-{qtype}", general_feedback="<p>Chung</p>",
                               default_mark=Decimal("2.5"))
                 for qtype, data in EVERY_TYPE.items()]
    result = common.parse_and_validate(export_questions(originals), common.MOODLE_XML)
    assert result.errors == [] and result.problems == []
    assert [comparable(p) for p in result.valid] == [comparable(q) for q in originals]
    assert all(p.category == ["Khứ hồi"] for p in result.valid)


# Texts as authors type them: letters (Vietnamese included), digits, punctuation and XML-special characters.
text = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1,
               max_size=40).filter(lambda s: s.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=text, body=text, options=st.lists(text, min_size=2, max_size=5, unique=True), right=st.integers(0, 4),
       feedback=text, answer=text)
@pytest.mark.django_db
def test_round_trip_property(name, body, options, right, feedback, answer):
    from html import escape

    category = make_category(f"Thuộc tính {uuid.uuid4().hex}")
    right %= len(options)
    single = make_question(category, name=name, text=f"<p>{escape(body)}</p>", general_feedback=escape(feedback),
                           data={"options": [{"text": escape(o), "fraction": int(i == right),
                                              "feedback": escape(feedback)} for i, o in enumerate(options)]})
    short = make_question(category, qtype=QuestionType.SHORT_ANSWER, name=name + " 2", text=escape(body),
                          data={"answers": [{"text": answer, "fraction": 1}]})
    matching = make_question(category, qtype=QuestionType.MATCHING, name=name + " 3", text=escape(body),
                             data={"pairs": [{"left": escape(o), "right": o} for o in options]})
    originals = [single, short, matching]
    result = common.parse_and_validate(export_questions(originals), common.MOODLE_XML)
    assert result.problems == []
    assert [comparable(p) for p in result.valid] == [comparable(q) for q in originals]


def test_numbers_written_with_other_digits_are_ignored_not_a_crash():
    # "²".isdigit() is true but int("²") raises: a word limit or difficulty like that must not stop the import.
    data = ("<quiz><question type='essay'><name><text>Tự luận</text></name>"
            "<questiontext format='html'><text>Trình bày…</text></questiontext>"
            "<minwordlimit>²</minwordlimit><maxwordlimit>٣٠٠</maxwordlimit>"
            "<hocso_difficulty>³</hocso_difficulty></question></quiz>")
    result = moodle_xml.parse(data.encode())
    assert not result.errors
    (question,) = result.questions
    assert question.data["min_words"] is None and question.data["max_words"] is None
    assert question.difficulty != 3
