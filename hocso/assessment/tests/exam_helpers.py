"""A quiz with one question of every type, whose answer key is full of recognisable secrets.

Tests of the learner's pages and API scan what the learner receives for these secrets: none may appear before
the review policy allows it.
"""

from __future__ import annotations

import json
import re

from hocso.assessment.models import Category, Question, QuestionType, Quiz

from .factories import make_category, make_question, make_quiz

# Texts that belong to the key (feedback, accepted answers, grader's notes): never on the exam page.
SECRETS = [
    "PH-A-BI-MAT", "PH-B-BI-MAT", "GF-SINGLE-BI-MAT", "PH-X-BI-MAT", "PH-DUNG-BI-MAT", "PH-SAI-BI-MAT",
    "DAP-AN-NGAN-BI-MAT", "PH-NGAN-BI-MAT", "HUONG-DAN-CHAM-BI-MAT",
]
# Keys of the versions' data that carry the key or feedback.
SECRET_KEYS = ["fraction", "feedback_true", "feedback_false", "grader_info", "partial_credit", "negative_marking"]

QUESTIONS = [
    (QuestionType.SINGLE, "Chuyển đổi số là gì?", {"options": [
        {"id": "a", "text": "Phương án một", "fraction": 1, "feedback": "PH-A-BI-MAT"},
        {"id": "b", "text": "Phương án hai", "fraction": 0, "feedback": "PH-B-BI-MAT"},
        {"id": "c", "text": "Phương án ba", "fraction": 0},
    ]}, "GF-SINGLE-BI-MAT"),
    (QuestionType.MULTIPLE, "Chọn các dịch vụ công trực tuyến.", {"options": [
        {"id": "x", "text": "Cấp đổi CCCD", "fraction": "0.5", "feedback": "PH-X-BI-MAT"},
        {"id": "y", "text": "Đăng ký khai sinh", "fraction": "0.5"},
        {"id": "z", "text": "Nấu cơm", "fraction": 0},
    ]}, ""),
    (QuestionType.TRUE_FALSE, "VNeID là ứng dụng định danh điện tử.",
     {"correct": True, "feedback_true": "PH-DUNG-BI-MAT", "feedback_false": "PH-SAI-BI-MAT"}, ""),
    (QuestionType.SHORT_ANSWER, "Viết tắt của Cổng Dịch vụ công quốc gia?",
     {"answers": [{"text": "DAP-AN-NGAN-BI-MAT", "fraction": 1, "feedback": "PH-NGAN-BI-MAT"}]}, ""),
    (QuestionType.MATCHING, "Nối cơ quan với nhiệm vụ.", {"pairs": [
        {"id": "p1", "left": "Sở KH&CN", "right": "Khoa học"},
        {"id": "p2", "left": "Sở Nội vụ", "right": "Tổ chức"},
    ], "distractors": [{"id": "d1", "text": "Du lịch"}]}, ""),
    (QuestionType.ESSAY, "Trình bày kế hoạch chuyển đổi số của đơn vị.",
     {"min_words": 5, "grader_info": "HUONG-DAN-CHAM-BI-MAT"}, ""),
]

# What a learner who knows everything answers, per type (slot order follows QUESTIONS when not shuffled).
RIGHT = {
    QuestionType.SINGLE: {"choice": "a"},
    QuestionType.MULTIPLE: {"choices": ["x", "y"]},
    QuestionType.TRUE_FALSE: {"value": True},
    QuestionType.SHORT_ANSWER: {"text": "dap-an-ngan-bi-mat"},
    QuestionType.MATCHING: {"pairs": {"p1": "p1", "p2": "p2"}},
    QuestionType.ESSAY: {"text": "Số hoá hồ sơ, đào tạo cán bộ, kết nối dữ liệu."},
}


def as_sent(attempt, slot: int, qtype: str, response: dict) -> dict:
    """What the exam page sends for `response` (in the bank's ids): options travel as the attempt's aliases."""
    data = attempt.questions.select_related("version").get(slot=slot).version.data
    return attempt.option_ids.encode(slot, qtype, data, response)


def make_mixed_quiz(*, types: list[str] | None = None, **fields) -> tuple[Quiz, list[Question]]:
    """A published quiz (no shuffling unless asked) with one question per type, in the order of QUESTIONS."""
    category = Category.objects.filter(name="Kiến thức chung", parent=None).first() or make_category("Kiến thức chung")
    questions = [
        make_question(category, qtype=qtype, name=f"Câu {qtype}", text=f"<p>{text}</p>", data=data,
                      general_feedback=general)
        for qtype, text, data, general in QUESTIONS
        if types is None or qtype in types
    ]
    fields.setdefault("shuffle_questions", False)
    fields.setdefault("shuffle_options", False)
    return make_quiz(questions=questions, **fields), questions


def leaks(text: str) -> list[str]:
    """Secrets of the key found in a page or a JSON answer."""
    found = [secret for secret in SECRETS if secret in text]  # case-sensitive: a learner may type one in lower case
    found += [key for key in SECRET_KEYS if re.search(rf"\b{key}\b", text)]
    return found


def config_of(html: str) -> dict:
    """The exam page's settings block (<script type="application/json" id="exam-config">)."""
    match = re.search(r'<script id="exam-config" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the exam page has no settings block"
    return json.loads(match.group(1))
