import datetime as dt
from decimal import Decimal
from random import Random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import override

from hocso.assessment.bank.services import question_archive
from hocso.assessment.exam.draw import draw_paper
from hocso.assessment.models import Difficulty, QuestionVersion, Quiz, QuizOverride, QuizSlot
from hocso.assessment.quizzes.blueprint import blueprint_problems
from hocso.assessment.quizzes.policies import effective_window
from hocso.assessment.quizzes.services import (
    override_delete,
    override_set,
    quiz_copy,
    quiz_create,
    quiz_publish,
    quiz_unpublish,
    quiz_update,
    slot_add_fixed,
    slot_add_random,
    slot_move,
    slot_remove,
    slot_update,
    slots_reorder,
)
from hocso.assessment.tests.factories import make_category, make_question, sit
from hocso.core.models import AuditEntry
from hocso.tests.factories import SYSTEM, make_learner


def new_quiz(actor=SYSTEM, **settings) -> Quiz:
    return quiz_create(actor=actor, title=settings.pop("title", "Kiểm tra Quý IV/2026"), **settings)


def messages_of(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


def test_a_random_draw_bigger_than_the_bank_is_refused_when_saved(bank):
    category, _questions = bank
    quiz = new_quiz()
    with override("en"), pytest.raises(ValidationError) as exc:
        slot_add_random(actor=SYSTEM, quiz=quiz, category=category, count=11)
    assert "needs 11 questions, but the bank has only 10 that match" in messages_of(exc)
    assert not quiz.slots.exists()
    slot_add_random(actor=SYSTEM, quiz=quiz, category=category, count=10)
    assert quiz.slots.get().count == 10


def test_difficulty_and_tag_narrow_the_pool(db):
    category = make_category()
    for i in range(4):
        make_question(category, name=f"Dễ {i}", difficulty=Difficulty.EASY, tags=["bảo mật"] if i < 2 else [])
    make_question(category, name="Khó", difficulty=Difficulty.HARD)
    quiz = new_quiz()
    with override("en"), pytest.raises(ValidationError) as exc:
        slot_add_random(actor=SYSTEM, quiz=quiz, category=category, count=2, difficulty=Difficulty.HARD)
    assert "only 1 that match" in messages_of(exc)
    from hocso.assessment.models import Tag

    tag = Tag.objects.get(name="bảo mật")
    with pytest.raises(ValidationError):
        slot_add_random(actor=SYSTEM, quiz=quiz, category=category, count=3, difficulty=Difficulty.EASY, tag=tag)
    slot = slot_add_random(actor=SYSTEM, quiz=quiz, category=category, count=2, difficulty=Difficulty.EASY, tag=tag)
    assert slot.tag == tag


def test_fixed_questions_are_not_counted_in_a_random_pool(bank):
    category, questions = bank
    quiz = new_quiz()
    slot_add_fixed(actor=SYSTEM, quiz=quiz, question=questions[0])
    with pytest.raises(ValidationError):
        slot_add_random(actor=SYSTEM, quiz=quiz, category=category, count=10)
    slot_add_random(actor=SYSTEM, quiz=quiz, category=category, count=9)
    with pytest.raises(ValidationError):  # the same fixed question twice
        slot_add_fixed(actor=SYSTEM, quiz=quiz, question=questions[0])


def test_overlapping_draws_must_be_safe_whatever_the_earlier_draw_took(db):
    parent = make_category("Chuyển đổi số")
    child = make_category("An toàn thông tin", parent=parent)
    for i in range(2):
        make_question(parent, name=f"Chung {i}")
    for i in range(3):
        make_question(child, name=f"ATTT {i}")
    quiz = new_quiz()
    broad = slot_add_random(actor=SYSTEM, quiz=quiz, category=parent, count=3)  # pool of 5, may take all 3 of child
    with override("en"), pytest.raises(ValidationError) as exc:
        slot_add_random(actor=SYSTEM, quiz=quiz, category=child, count=3)
    assert "may take 3 of them" in messages_of(exc)
    slot_remove(actor=SYSTEM, slot=broad)
    narrow = slot_add_random(actor=SYSTEM, quiz=quiz, category=child, count=3)
    broad = slot_add_random(actor=SYSTEM, quiz=quiz, category=parent, count=2)
    # Putting the broad draw first again would make the narrow one fail on some papers: refused.
    with pytest.raises(ValidationError):
        slots_reorder(actor=SYSTEM, quiz=quiz, slot_ids=[broad.pk, narrow.pk])
    assert list(quiz.slots.order_by("position").values_list("pk", flat=True)) == [narrow.pk, broad.pk]
    # And the accepted blueprint always draws: try many papers.
    quiz.refresh_from_db()
    for seed in range(200):
        paper = draw_paper(quiz, Random(seed))
        question_ids = QuestionVersion.objects.filter(pk__in=[q.version_id for q in paper]).values_list(
            "question_id", flat=True)
        assert len(paper) == 5 and len(set(question_ids)) == 5


def test_publish_checks_the_bank_again(bank):
    category, questions = bank
    quiz = new_quiz()
    with override("en"), pytest.raises(ValidationError) as exc:
        quiz_publish(actor=SYSTEM, quiz=quiz)
    assert "no questions yet" in messages_of(exc)
    slot_add_random(actor=SYSTEM, quiz=quiz, category=category, count=10)
    question_archive(actor=SYSTEM, question=questions[3])  # the bank shrank after the slot was saved
    with override("en"), pytest.raises(ValidationError) as exc:
        quiz_publish(actor=SYSTEM, quiz=quiz)
    assert "needs 10 questions, but the bank has only 9" in messages_of(exc)
    quiz.refresh_from_db()
    assert not quiz.is_published
    question_archive(actor=SYSTEM, question=questions[3], archived=False)
    quiz_publish(actor=SYSTEM, quiz=quiz)
    quiz.refresh_from_db()
    assert quiz.is_published
    assert AuditEntry.objects.filter(action="quiz.publish", object_id=str(quiz.pk)).exists()
    quiz_unpublish(actor=SYSTEM, quiz=quiz)
    quiz.refresh_from_db()
    assert not quiz.is_published


def test_an_archived_fixed_question_blocks_publishing(bank):
    _category, questions = bank
    quiz = new_quiz()
    slot_add_fixed(actor=SYSTEM, quiz=quiz, question=questions[0])
    question_archive(actor=SYSTEM, question=questions[0])
    with override("en"), pytest.raises(ValidationError) as exc:
        quiz_publish(actor=SYSTEM, quiz=quiz)
    assert "archived" in messages_of(exc)


def test_settings_report_every_problem_at_once(db):
    now = timezone.now()
    with override("en"), pytest.raises(ValidationError) as exc:
        quiz_create(actor=SYSTEM, title="  ", pass_percent=Decimal(120), open_at=now, close_at=now,
                    attempts_allowed=-1, time_limit_minutes=0)
    errors = exc.value.message_dict
    assert set(errors) == {"title", "pass_percent", "close_at", "attempts_allowed", "time_limit_minutes"}
    assert not Quiz.objects.exists()


def test_update_is_audited_and_keeps_the_object_clean_on_error(db):
    quiz = new_quiz(pass_percent=Decimal(50))
    quiz_update(actor=SYSTEM, quiz=quiz, pass_percent=Decimal(80), grading_method="last")
    entry = AuditEntry.objects.get(action="quiz.update")
    assert entry.changes["pass_percent"] == ["50", "80"] or entry.changes["pass_percent"] == ["50.00", "80"]
    with pytest.raises(ValidationError):
        quiz_update(actor=SYSTEM, quiz=quiz, pass_percent=Decimal(200))
    assert quiz.pass_percent == Decimal(80)


def test_only_authors_create_and_only_owners_or_admins_edit(db, instructor, other_instructor, learner_user):
    with pytest.raises(PermissionDenied):
        quiz_create(actor=learner_user, title="Không được")
    quiz = new_quiz(actor=instructor)
    assert quiz.owner == instructor
    with pytest.raises(PermissionDenied):
        quiz_update(actor=other_instructor, quiz=quiz, title="Của tôi")
    quiz_update(actor=SYSTEM, quiz=quiz, title="Admin sửa")  # province administrators may


def test_the_blueprint_is_locked_once_people_have_sat_the_quiz(bank, commune_a):
    category, questions = bank
    quiz = new_quiz()
    slot = slot_add_fixed(actor=SYSTEM, quiz=quiz, question=questions[0])
    quiz_publish(actor=SYSTEM, quiz=quiz)
    sit(quiz, make_learner(commune_a, "Lê Văn Tám"))
    for attempt_change in (
        lambda: slot_add_random(actor=SYSTEM, quiz=quiz, category=category, count=1),
        lambda: slot_update(actor=SYSTEM, slot=slot, mark=Decimal(2)),
        lambda: slot_remove(actor=SYSTEM, slot=slot),
    ):
        with pytest.raises(ValidationError):
            attempt_change()
    copy = quiz_copy(actor=SYSTEM, quiz=quiz)
    assert not copy.is_published and copy.slots.get().question == questions[0]
    slot_add_random(actor=SYSTEM, quiz=copy, category=category, count=2)  # the copy can change


def test_slot_update_and_move(bank):
    category, questions = bank
    quiz = new_quiz()
    first = slot_add_fixed(actor=SYSTEM, quiz=quiz, question=questions[0])
    second = slot_add_random(actor=SYSTEM, quiz=quiz, category=category, count=3)
    with pytest.raises(ValidationError):
        slot_update(actor=SYSTEM, slot=second, count=10)  # 9 left besides the fixed one
    slot_update(actor=SYSTEM, slot=second, count=9, mark=Decimal("0.5"))
    second.refresh_from_db()
    assert (second.count, second.mark) == (9, Decimal("0.5"))
    with pytest.raises(ValidationError):
        slot_update(actor=SYSTEM, slot=first, count=2)  # a fixed question has only a mark
    slot_move(actor=SYSTEM, slot=second, offset=-1)
    assert list(QuizSlot.objects.filter(quiz=quiz).order_by("position").values_list("pk", "position")) == [
        (second.pk, 1), (first.pk, 2)]


def test_blueprint_problems_of_a_sound_blueprint_are_empty(bank):
    category, questions = bank
    quiz = new_quiz()
    slot_add_fixed(actor=SYSTEM, quiz=quiz, question=questions[0])
    slot_add_random(actor=SYSTEM, quiz=quiz, category=category, count=4)
    assert blueprint_problems(list(quiz.slots.select_related("question", "category"))) == []


# --- overrides -----------------------------------------------------------------------------------------------------


def test_override_gives_one_person_extra_time_and_another_window(bank, commune_a, commune_b):
    quiz = new_quiz(time_limit_minutes=30, audience_unit=commune_a)
    person = make_learner(commune_a, "Lê Văn Tám")
    later = timezone.now() + dt.timedelta(days=3)
    override_set(actor=SYSTEM, quiz=quiz, learner=person, extra_minutes=15, close_at=later)
    window = effective_window(quiz, person)
    assert window.time_limit == dt.timedelta(minutes=45) and window.close_at == later
    # Saving again replaces the override rather than adding one.
    override_set(actor=SYSTEM, quiz=quiz, learner=person, attempts_allowed=3)
    override = QuizOverride.objects.get(quiz=quiz)
    assert (override.extra_minutes, override.close_at, override.attempts_allowed) == (0, None, 3)
    assert effective_window(quiz, person).attempts_allowed == 3
    override_delete(actor=SYSTEM, override=override)
    assert not QuizOverride.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="quiz.override").count() == 3


def test_override_validation(bank, commune_a, commune_b):
    quiz = new_quiz(audience_unit=commune_a)
    outsider = make_learner(commune_b, "Hà Văn Xa")
    insider = make_learner(commune_a, "Lê Văn Tám")
    with override("en"), pytest.raises(ValidationError) as exc:
        override_set(actor=SYSTEM, quiz=quiz, learner=outsider, attempts_allowed=2)
    assert "not among the people the quiz is for" in messages_of(exc)
    with override("en"), pytest.raises(ValidationError) as exc:
        override_set(actor=SYSTEM, quiz=quiz, learner=insider, extra_minutes=10)
    assert "no time limit" in messages_of(exc)
    with pytest.raises(ValidationError):
        override_set(actor=SYSTEM, quiz=quiz, learner=insider)  # changes nothing
    now = timezone.now()
    with pytest.raises(ValidationError):
        override_set(actor=SYSTEM, quiz=quiz, learner=insider, open_at=now, close_at=now - dt.timedelta(hours=1))
    assert not QuizOverride.objects.exists()


def test_the_cached_blueprint_follows_edits_and_slot_changes(db):
    """The draw reads the quiz's slots and question versions once a minute (attempts._blueprint); an edited question
    (a new version) and a changed blueprint still reach the very next paper."""
    from hocso.assessment.bank.services import question_update
    from hocso.assessment.tests.factories import SINGLE_DATA, make_quiz

    category = make_category("Bản đề")
    first, second = make_question(category, name="Một"), make_question(category, name="Hai")
    quiz = make_quiz(questions=[first], shuffle_questions=False)
    assert [q.version_id for q in draw_paper(quiz, Random(1))] == [first.current_version_id]

    edited = question_update(actor=SYSTEM, question=first, text="<p>Đã sửa?</p>", data=SINGLE_DATA)
    assert [q.version_id for q in draw_paper(quiz, Random(1))] == [edited.pk]

    slot_add_fixed(actor=SYSTEM, quiz=quiz, question=second)
    quiz.refresh_from_db()
    assert [q.version_id for q in draw_paper(quiz, Random(1))] == [edited.pk, second.current_version_id]
