from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from hocso.assessment.bank.question_data import clean_question_data
from hocso.assessment.bank.scoring import correct_response, grade


def D(value) -> Decimal:
    return Decimal(str(value))


SINGLE = {"options": [{"id": "a", "fraction": 1}, {"id": "b", "fraction": "-0.5"}, {"id": "c", "fraction": 0}]}


def test_single_choice():
    assert grade("single", SINGLE, {"choice": "a"}) == 1
    assert grade("single", SINGLE, {"choice": "c"}) == 0
    assert grade("single", SINGLE, {}) == 0


def test_single_choice_penalty_only_with_negative_marking():
    assert grade("single", SINGLE, {"choice": "b"}) == 0
    assert grade("single", {**SINGLE, "negative_marking": True}, {"choice": "b"}) == D("-0.5")


MULTI = {"options": [{"id": "a", "fraction": "0.5"}, {"id": "b", "fraction": "0.5"},
                     {"id": "c", "fraction": "-0.5"}, {"id": "d", "fraction": "-0.5"}], "partial_credit": True}


def test_multiple_choice_partial_credit():
    assert grade("multiple", MULTI, {"choices": ["a", "b"]}) == 1
    assert grade("multiple", MULTI, {"choices": ["a"]}) == D("0.5")
    assert grade("multiple", MULTI, {"choices": ["a", "c"]}) == 0
    # Without negative marking the question never goes below zero.
    assert grade("multiple", MULTI, {"choices": ["c", "d"]}) == 0


def test_multiple_choice_negative_marking():
    data = {**MULTI, "negative_marking": True}
    assert grade("multiple", data, {"choices": ["c", "d"]}) == -1
    assert grade("multiple", data, {"choices": ["a", "c", "d"]}) == D("-0.5")


def test_multiple_choice_all_or_nothing():
    data = {**MULTI, "partial_credit": False}
    assert grade("multiple", data, {"choices": ["a"]}) == 0
    assert grade("multiple", data, {"choices": ["b", "a"]}) == 1


def test_unknown_option_ids_are_ignored():
    assert grade("multiple", MULTI, {"choices": ["zz", "a"]}) == D("0.5")


def test_true_false():
    data = {"correct": False}
    assert grade("truefalse", data, {"value": False}) == 1
    assert grade("truefalse", data, {"value": True}) == 0
    assert grade("truefalse", {**data, "negative_marking": True}, {"value": True}) == -1
    assert grade("truefalse", data, {"value": "false"}) == 0  # only real booleans count


SHORT = {"answers": [{"text": "Chính phủ số", "fraction": 1}, {"text": "chính phủ điện tử", "fraction": "0.5"}]}


def test_short_answer_case_insensitive_by_default():
    assert grade("shortanswer", SHORT, {"text": "  chính  PHỦ số "}) == 1
    assert grade("shortanswer", SHORT, {"text": "chinh phu so"}) == 0
    assert grade("shortanswer", SHORT, {"text": "Chính phủ điện tử"}) == D("0.5")


def test_short_answer_diacritic_insensitive_option():
    data = {**SHORT, "ignore_diacritics": True}
    assert grade("shortanswer", data, {"text": "chinh phu so"}) == 1
    assert grade("shortanswer", data, {"text": "CHÍNH PHU SỐ"}) == 1


def test_short_answer_case_sensitive_option():
    data = {**SHORT, "case_sensitive": True}
    assert grade("shortanswer", data, {"text": "chính phủ số"}) == 0
    assert grade("shortanswer", data, {"text": "Chính phủ số"}) == 1


def test_short_answer_wildcard():
    data = {"answers": [{"text": "*VNeID*", "fraction": 1}]}
    assert grade("shortanswer", data, {"text": "ứng dụng vneid của Bộ Công an"}) == 1


MATCHING = {"pairs": [{"id": "p1", "left": "IOC", "right": "Trung tâm điều hành"},
                      {"id": "p2", "left": "VNeID", "right": "Định danh điện tử"},
                      {"id": "p3", "left": "LGSP", "right": "Nền tảng tích hợp"}],
            "distractors": [{"id": "d1", "text": "Mạng xã hội"}]}


def test_matching_gives_a_share_per_correct_pair():
    assert grade("matching", MATCHING, {"pairs": {"p1": "p1", "p2": "p2", "p3": "p3"}}) == 1
    assert grade("matching", MATCHING, {"pairs": {"p1": "p1", "p2": "d1", "p3": "p2"}}) == D("0.33333")


def test_essay_needs_a_person():
    assert grade("essay", {}, {"text": "Bài luận"}) is None


def test_correct_response_of_each_type():
    assert correct_response("single", SINGLE) == {"choice": "a"}
    assert correct_response("multiple", MULTI) == {"choices": ["a", "b"]}
    assert correct_response("truefalse", {"correct": True}) == {"value": True}
    assert grade("matching", MATCHING, correct_response("matching", MATCHING)) == 1


def test_clean_question_data_reports_every_problem():
    with pytest.raises(ValidationError) as exc:
        clean_question_data("single", {"options": [{"text": "chỉ một", "fraction": "2"}]})
    messages = " ".join(exc.value.messages)
    assert "-1" in messages  # fraction out of range
    assert len(exc.value.messages) >= 2  # and too few options / no 100 % option


def test_clean_question_data_sanitises_html():
    data = clean_question_data("single", {"options": [
        {"text": "<b>Có</b><script>alert(1)</script>", "fraction": 1},
        {"text": '<a href="javascript:alert(1)">Không</a>', "fraction": 0},
    ]})
    assert "<script>" not in data["options"][0]["text"] and "<b>Có</b>" in data["options"][0]["text"]
    assert "javascript:" not in data["options"][1]["text"]
