"""The exam's refusals: one exception with a stable code (the API's) and a translated message (the learner's)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy


class ExamError(Exception):
    """A refusal the learner must understand. `code` is stable for the API; `message` is translated."""

    MESSAGES = {
        "not_found": gettext_lazy("This attempt does not exist."),
        "not_eligible": gettext_lazy("This quiz is not open to you."),
        "not_open": gettext_lazy("This quiz is not open yet."),
        "closed": gettext_lazy("This quiz is closed."),
        "no_attempts_left": gettext_lazy("You have used all your attempts at this quiz."),
        # Refused by a start check of a higher app (hocso.assessment.exam.start_checks): a campaign's own limit.
        "campaign_attempts_used": gettext_lazy("You have used all the attempts this test campaign allows."),
        "expired": gettext_lazy("Time is up: answers can no longer be changed."),
        "submitted": gettext_lazy("This attempt has been submitted: answers can no longer be changed."),
        "invalid_slot": gettext_lazy("There is no such question in this attempt."),
        "invalid_response": gettext_lazy("The answer could not be read."),
        "bank_too_small": gettext_lazy("The question bank has too few questions for this quiz. Tell the author."),
        "no_questions": gettext_lazy("This quiz has no questions yet."),
    }

    def __init__(self, code: str, message: str | None = None):
        self.code = code
        self.message = message or str(self.MESSAGES.get(code, code))
        super().__init__(self.message)
