"""The paper as the learner may see it: texts, the frozen order of options and the learner's saved answers, never
the answer key. Built from an explicit list of fields (texts and option order), never from a question version's
`data` as a whole, so fractions, feedback and accepted answers cannot slip through; options carry the attempt's
aliases (hocso.assessment.option_ids), never the bank's ids, which would hint at the key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..models import Answer, Attempt, AttemptQuestion, QuestionType
from ..option_ids import OptionIds, right_items


@dataclass
class PaperQuestion:
    """What the learner sees of one question: texts and the order of options, and their saved answer."""

    slot: int
    qtype: str
    text: str
    mark: Decimal
    options: list[dict] = field(default_factory=list)  # single/multiple: [{"id", "text"}] in display order
    lefts: list[dict] = field(default_factory=list)  # matching: [{"id", "text"}] (HTML)
    rights: list[dict] = field(default_factory=list)  # matching: [{"id", "text"}] in display order (plain text)
    min_words: int | None = None
    max_words: int | None = None
    response: dict | None = None
    seq: int = 0
    saved_at: dt.datetime | None = None

    @property
    def answered(self) -> bool:
        return is_answered(self.qtype, self.response)

    # What the exam page pre-fills from the saved answer (so a reload or another device resumes it).
    def chosen_ids(self) -> set[str]:
        """The options the saved answer picks (single or multiple choice)."""
        response = self.response or {}
        return set(response.get("choices") or []) | ({response["choice"]} if response.get("choice") else set())

    def option_rows(self) -> list[dict]:
        chosen = self.chosen_ids()
        return [{**o, "checked": o["id"] in chosen} for o in self.options]

    def left_rows(self) -> list[dict]:
        given = (self.response or {}).get("pairs") or {}
        return [{**left, "chosen": given.get(left["id"], "")} for left in self.lefts]

    @property
    def bool_value(self) -> bool | None:
        value = (self.response or {}).get("value")
        return value if isinstance(value, bool) else None

    @property
    def text_value(self) -> str:
        return str((self.response or {}).get("text") or "")

    def as_dict(self) -> dict:
        return {
            "slot": self.slot, "qtype": self.qtype, "text": self.text, "mark": self.mark,
            "options": self.options, "lefts": self.lefts, "rights": self.rights,
            "min_words": self.min_words, "max_words": self.max_words,
            "response": self.response, "seq": self.seq, "saved_at": self.saved_at,
        }


def is_answered(qtype: str, response: dict | None) -> bool:
    if not response:
        return False
    if qtype == QuestionType.SINGLE:
        return bool(response.get("choice"))
    if qtype == QuestionType.MULTIPLE:
        return bool(response.get("choices"))
    if qtype == QuestionType.TRUE_FALSE:
        return isinstance(response.get("value"), bool)
    if qtype == QuestionType.MATCHING:
        return any((response.get("pairs") or {}).values())
    return bool(str(response.get("text") or "").strip())


def _positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def paper_question(aq: AttemptQuestion, ids: OptionIds, answer: Answer | None = None) -> PaperQuestion:
    """The learner's view of one frozen question. Only texts and identifiers are copied out of `data`."""
    version = aq.version
    question = _paper_question(
        slot=aq.slot, ids=ids, qtype=version.question.qtype, text=version.text,
        data=version.data or {}, mark=aq.mark, option_order=aq.option_order,
    )
    if answer is not None:
        question.response, question.seq, question.saved_at = answer.response, answer.seq, answer.saved_at
    return question


def option_texts(data: dict) -> dict[str, str]:
    """A choice question's options: id → text (the text only: never a fraction or feedback)."""
    return {o["id"]: o.get("text", "") for o in data.get("options", [])}


def _paper_question(*, slot: int, ids: OptionIds, qtype: str, text: str, data: dict, mark: Decimal,
                    option_order: list[str], texts: dict[str, str] | None = None) -> PaperQuestion:
    """Options in the frozen display order and matching's right-hand items in the order of their aliases, each
    under the attempt's alias for this slot. `texts`: the options' texts (`option_texts(data)`), if known."""
    question = PaperQuestion(slot=slot, qtype=qtype, text=text, mark=mark)
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if texts is None:
            texts = option_texts(data)
        question.options = [{"id": ids.alias(slot, oid), "text": texts[oid]} for oid in option_order if oid in texts]
    elif qtype == QuestionType.MATCHING:
        question.lefts = [{"id": p["id"], "text": p.get("left", "")} for p in data.get("pairs", [])]
        question.rights = sorted(({"id": ids.alias(slot, identity), "text": text}
                                  for identity, text in right_items(data)), key=lambda item: item["id"])
    elif qtype == QuestionType.ESSAY:
        question.min_words = _positive_int(data.get("min_words"))
        question.max_words = _positive_int(data.get("max_words"))
    return question


def attempt_questions(attempt: Attempt) -> list[AttemptQuestion]:
    return list(attempt.questions.select_related("version__question").order_by("slot"))


def attempt_answers(attempt: Attempt) -> dict[int, Answer]:
    return {a.slot: a for a in Answer.objects.filter(attempt=attempt)}


def attempt_paper(attempt: Attempt) -> list[PaperQuestion]:
    """The whole paper with the learner's saved answers, in two queries (none for an attempt just started, whose
    paper is the draw it was frozen from).

    Plain rows, not model instances: the exam page is the start rush's heaviest request, and building ninety
    ORM objects (slot, version, question) was a third of its cost.
    """
    ids = attempt.option_ids
    drawn = getattr(attempt, "drawn_paper", None)
    if drawn is not None:  # just started: the draw, nothing answered yet
        return [_paper_question(slot=slot, ids=ids, qtype=q.qtype, text=q.text, data=q.data,
                                mark=q.mark, option_order=q.option_order, texts=q.option_texts)
                for slot, q in enumerate(drawn, start=1)]
    answers = {
        slot: (response, seq, saved_at)
        for slot, response, seq, saved_at in Answer.objects.filter(attempt=attempt).values_list(
            "slot", "response", "seq", "saved_at")
    }
    rows = attempt.questions.order_by("slot").values_list(
        "slot", "mark", "option_order", "version__text", "version__data", "version__question__qtype",
    )
    paper = []
    for slot, mark, option_order, text, data, qtype in rows:
        question = _paper_question(slot=slot, ids=ids, qtype=qtype, text=text, data=data or {},
                                   mark=mark, option_order=option_order)
        if slot in answers:
            question.response, question.seq, question.saved_at = answers[slot]
        paper.append(question)
    return paper
