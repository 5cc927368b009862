"""How the audit log says what happened to the question bank, quizzes and graded attempts (registered in
AssessmentConfig.ready())."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocso.core import audit_actions as log
from hocso.core.formatting import number

from .models import Attempt, Difficulty, QuizSlot


def _attempt_links(ids: list[str]) -> dict[str, str]:
    pairs = Attempt.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]).values_list("pk", "quiz_id")
    return {str(pk): reverse("assessment:quiz_attempt", args=[quiz_id, pk]) for pk, quiz_id in pairs}


def _slot(value) -> str:
    """A quiz slot by its position in the quiz now (one small query; the slot may have been removed)."""
    position = QuizSlot.objects.filter(pk=value).values_list("position", flat=True).first()
    return _("Question %(number)s") % {"number": position} if position is not None else _("a removed question")


def _question_number(value) -> str:
    return _("Question %(number)s") % {"number": value}


def _score(value) -> str:
    """A grader's mark as given (2.25 stays 2,25)."""
    try:
        decimals = min(2, max(0, -Decimal(str(value)).normalize().as_tuple().exponent))
    except (InvalidOperation, ValueError):
        return str(value)
    return number(value, decimals)


def _difficulty(value) -> str:
    return str(dict(Difficulty.choices).get(value, value))


def _order(value) -> str:
    count = len([part for part in str(value).strip("[]").split(",") if part.strip()])
    return _("%(count)s questions in a new order") % {"count": count}


def register() -> None:
    _l = gettext_lazy
    bank, quizzes = _l("Question bank"), _l("Quizzes and grading")
    log.register("question.create", _l("{actor} wrote the question {object}"), label=_l("Question created"),
                 group=bank)
    log.register("question.update", _l("{actor} saved a new version of the question {object}"),
                 label=_l("Question edited"), group=bank)
    log.register("question.archive", _l("{actor} archived the question {object}"), label=_l("Question archived"),
                 group=bank)
    log.register("question.restore", _l("{actor} restored the question {object}"), label=_l("Question restored"),
                 group=bank)
    log.register("question.import", _l("{actor} imported questions into the category {object}"),
                 label=_l("Questions imported"), group=bank)
    log.register("question_category.create", _l("{actor} created the question category {object}"),
                 label=_l("Question category created"), group=bank)
    log.register("question_category.rename", _l("{actor} renamed the question category {object}"),
                 label=_l("Question category renamed"), group=bank)
    log.register("question_category.move", _l("{actor} moved the question category {object}"),
                 label=_l("Question category moved"), group=bank)
    log.register("question_category.delete", _l("{actor} deleted the question category {object}"),
                 label=_l("Question category deleted"), group=bank)
    log.register("quiz.create", _l("{actor} created the quiz {object}"), label=_l("Quiz created"), group=quizzes)
    log.register("quiz.update", _l("{actor} changed the settings of the quiz {object}"), label=_l("Quiz edited"),
                 group=quizzes)
    log.register("quiz.publish", _l("{actor} published the quiz {object}"), label=_l("Quiz published"),
                 group=quizzes)
    log.register("quiz.unpublish", _l("{actor} withdrew the quiz {object} from publication"),
                 label=_l("Quiz unpublished"), group=quizzes)
    log.register("quiz.copy", _l("{actor} made the quiz {object} as a copy"), label=_l("Quiz copied"), group=quizzes)
    log.register("quiz.slot_add", _l("{actor} added questions to the quiz {object}"),
                 label=_l("Questions added to a quiz"), group=quizzes)
    log.register("quiz.slot_update", _l("{actor} changed a question of the quiz {object}"),
                 label=_l("Quiz question changed"), group=quizzes)
    log.register("quiz.slot_remove", _l("{actor} removed a question from the quiz {object}"),
                 label=_l("Question removed from a quiz"), group=quizzes)
    log.register("quiz.slots_reorder", _l("{actor} reordered the questions of the quiz {object}"),
                 label=_l("Quiz questions reordered"), group=quizzes)
    log.register("quiz.override_set", _l("{actor} set an exception for one person in the quiz {object}"),
                 label=_l("Quiz exception set"), group=quizzes)
    log.register("quiz.override_delete", _l("{actor} removed an exception for one person in the quiz {object}"),
                 label=_l("Quiz exception removed"), group=quizzes)
    log.register("quiz.regrade", _l("{actor} regraded the quiz {object} after a question changed"),
                 label=_l("Quiz regraded"), group=quizzes)
    log.register("attempt.grade_essay", _l("{actor} graded an essay answer in the attempt {object}"),
                 label=_l("Essay graded"), group=quizzes)

    log.register_object("assessment.quiz", links=log.links_by_pk("assessment.quiz", "assessment:quiz_detail"))
    log.register_object("assessment.question", links=log.links_by_pk("assessment.question",
                                                                       "assessment:bank_question"))
    log.register_object("assessment.category", links=log.links_by_pk("assessment.category",
                                                                       "assessment:bank_category"))
    log.register_object("assessment.attempt", links=_attempt_links,
                        in_units=lambda scope: Attempt.objects.filter(scope.q("learner__unit__path")))
    log.register_key("slot", _l("Question"), show=_slot, object_type="assessment.quiz")
    log.register_key("slot", _l("Question"), show=_question_number, object_type="assessment.attempt")
    log.register_key("question", _l("Question"), model="assessment.question")
    log.register_key("category", _l("Question category"), model="assessment.category")
    log.register_key("moved_to", _l("Contents moved to"), model="assessment.category")
    log.register_key("from", _l("Copied from"), model="assessment.quiz")
    log.register_key("tag", _l("Tag"), model="assessment.tag")
    log.register_key("difficulty", _l("Difficulty"), show=_difficulty)
    log.register_key("order", _l("Order"), show=_order)
    log.register_key("attempts", _l("Attempts"))
    log.register_key("score", _l("Score"), show=_score)
    log.register_key("count", _l("Number of questions"))
    log.register_key("created", _l("Questions created"))
    log.register_key("categories_created", _l("Categories created"))
    log.register_key("moved_questions", _l("Questions moved"))
    log.register_key("moved_categories", _l("Sub-categories moved"))
