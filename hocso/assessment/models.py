"""Question bank, quizzes and attempts.

The exam hot path (see DESIGN.md §5) shapes this module: an attempt's paper is drawn and frozen once at start
(`AttemptQuestion`, immutable), answers live in their own narrow table (`Answer`, one row per question, written by a
single idempotent upsert authorised by the attempt's token), and grading happens once at submit.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocso.core.text import collation_key, search_key

from .option_ids import OptionIds, new_option_key


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "truefalse", _("True/false")
    SHORT_ANSWER = "shortanswer", _("Short answer")
    MATCHING = "matching", _("Matching")
    ESSAY = "essay", _("Essay")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class Sharing(models.TextChoices):
    PRIVATE = "private", _("Only me")
    PROVINCE = "province", _("All authors in the province")


class Category(models.Model):
    """A topic in the question bank; categories form a tree (materialised path like units)."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    path = models.CharField(max_length=400, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    sharing = models.CharField(_("sharing"), max_length=10, choices=Sharing.choices, default=Sharing.PROVINCE)
    sort_key = models.CharField(max_length=600, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="assessment_category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_keys(self) -> None:
        self.sort_key = collation_key(self.name)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """A question's identity. Its content lives in immutable versions; `current_version` is what new papers use."""

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="questions")
    qtype = models.CharField(_("type"), max_length=12, choices=QuestionType.choices)
    name = models.CharField(_("name"), max_length=255)
    idnumber = models.CharField(_("ID number"), max_length=100, blank=True, db_index=True,
                                help_text=_("Optional identifier shared with other systems"))
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), choices=Difficulty.choices,
                                                  default=Difficulty.MEDIUM)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="questions")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    current_version = models.ForeignKey("QuestionVersion", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    is_archived = models.BooleanField(_("archived"), default=False)
    search_key = models.CharField(max_length=600, editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "name", "id"]
        indexes = [models.Index(fields=["category", "is_archived", "difficulty"])]

    def __str__(self) -> str:
        return self.name

    def refresh_keys(self) -> None:
        self.search_key = search_key(self.name, self.idnumber)


class QuestionVersion(models.Model):
    """Immutable content of a question. Editing a question adds a version; answers keep pointing at theirs.

    `data` depends on the type (see hocso.assessment.bank.scoring for the exact shapes):
      single/multiple: {"options": [{"id", "text", "fraction", "feedback"}], "partial_credit", "negative_marking",
                        "shuffle"}
      truefalse:       {"correct": bool, "feedback_true", "feedback_false", "negative_marking"}
      shortanswer:     {"answers": [{"text", "fraction", "feedback"}], "case_sensitive", "ignore_diacritics"}
      matching:        {"pairs": [{"id", "left", "right"}], "distractors": [{"id", "text"}], "shuffle"}
      essay:           {"min_words", "max_words", "grader_info"}
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(_("question text"))
    data = models.JSONField(default=dict)
    default_mark = models.DecimalField(_("default mark"), max_digits=7, decimal_places=3, default=Decimal(1))
    general_feedback = models.TextField(_("general feedback"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="assessment_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.question} v{self.number}"


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Highest grade")
    LAST = "last", _("Last attempt")
    FIRST = "first", _("First attempt")
    AVERAGE = "average", _("Average grade")


class Layout(models.TextChoices):
    ALL = "all", _("All questions on one page")
    PAGED = "paged", _("One question per page")


class ReviewWhen(models.TextChoices):
    AFTER_SUBMIT = "after_submit", _("Right after submitting")
    AFTER_CLOSE = "after_close", _("After the quiz closes")
    NEVER = "never", _("Never")


class Quiz(models.Model):
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    audience_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("for the people of"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("The unit (with its sub-units) whose people may take the quiz; empty: everyone"),
    )
    audience_groups = models.ManyToManyField("org.TargetGroup", verbose_name=_("target groups"), blank=True,
                                             related_name="+", help_text=_("Empty: every target group"))
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"), null=True, blank=True)
    attempts_allowed = models.PositiveSmallIntegerField(_("attempts allowed"), default=1,
                                                        help_text=_("0 means unlimited"))
    grading_method = models.CharField(_("grading method"), max_length=10, choices=GradingMethod.choices,
                                      default=GradingMethod.HIGHEST)
    pass_percent = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2, default=Decimal(50))
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    layout = models.CharField(_("layout"), max_length=10, choices=Layout.choices, default=Layout.ALL)
    open_at = models.DateTimeField(_("opens"), null=True, blank=True)
    close_at = models.DateTimeField(_("closes"), null=True, blank=True)
    review_when = models.CharField(_("review"), max_length=12, choices=ReviewWhen.choices,
                                   default=ReviewWhen.AFTER_SUBMIT)
    review_shows_answers = models.BooleanField(_("review shows correct answers"), default=True)
    review_shows_feedback = models.BooleanField(_("review shows feedback"), default=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class QuizSlot(models.Model):
    """One line of the blueprint: a fixed question, or N questions drawn at random from a category."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField(_("position"))
    question = models.ForeignKey(Question, verbose_name=_("question"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    include_subcategories = models.BooleanField(_("include sub-categories"), default=True)
    count = models.PositiveSmallIntegerField(_("number of questions"), default=1)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), choices=Difficulty.choices, null=True,
                                                  blank=True)
    tag = models.ForeignKey(Tag, verbose_name=_("tag"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+")
    mark = models.DecimalField(_("mark per question"), max_digits=7, decimal_places=3, null=True, blank=True,
                               help_text=_("Empty: the question's default mark"))

    class Meta:
        verbose_name = _("quiz slot")
        verbose_name_plural = _("quiz slots")
        ordering = ["quiz", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, category__isnull=True)
                | Q(question__isnull=True, category__isnull=False),
                name="assessment_slot_fixed_xor_random",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.position}"

    @property
    def is_random(self) -> bool:
        return self.category_id is not None


class QuizOverride(models.Model):
    """Per-learner exceptions: extra time, another window, more attempts."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="overrides")
    learner = models.ForeignKey("people.Learner", verbose_name=_("person"), on_delete=models.CASCADE,
                                related_name="+")
    extra_minutes = models.PositiveIntegerField(_("extra time (minutes)"), default=0)
    open_at = models.DateTimeField(_("opens"), null=True, blank=True)
    close_at = models.DateTimeField(_("closes"), null=True, blank=True)
    attempts_allowed = models.PositiveSmallIntegerField(_("attempts allowed"), null=True, blank=True)

    class Meta:
        verbose_name = _("override")
        verbose_name_plural = _("overrides")
        constraints = [models.UniqueConstraint(fields=["quiz", "learner"], name="assessment_override_unique")]

    def __str__(self) -> str:
        return f"{self.quiz} / {self.learner}"


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    NEEDS_GRADING = "needs_grading", _("Waiting for grading")
    GRADED = "graded", _("Graded")


class Attempt(models.Model):
    # Lookups by quiz use the (quiz, state) index and the unique (quiz, learner, number) one.
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts", db_index=False)
    learner = models.ForeignKey("people.Learner", on_delete=models.PROTECT, related_name="attempts")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             help_text=_("The unit the person belonged to when the attempt started"))
    number = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=14, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS)
    # A random capability for this attempt only: answer saves are authorised by it without a session lookup.
    token = models.CharField(max_length=64, unique=True)
    # The secret behind the attempt's option identifiers (hocso.assessment.option_ids): never sent to anyone.
    option_key = models.CharField(max_length=32, default=new_option_key, editable=False)
    question_count = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True, help_text=_("Enforced by the server"))
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(max_digits=9, decimal_places=3, default=Decimal(0))
    percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "learner", "number"], name="assessment_attempt_number"),
            models.UniqueConstraint(fields=["quiz", "learner"], condition=Q(state="in_progress"),
                                    name="assessment_one_open_attempt"),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["quiz", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} — {self.learner} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.state == AttemptState.IN_PROGRESS

    @property
    def option_ids(self) -> OptionIds:
        """The identifiers the learner sees for the options of this attempt's questions, and their decoding."""
        return OptionIds(self.option_key)


class AttemptQuestion(models.Model):
    """The frozen paper: which version sits in which slot, in which option order, for how many marks.

    `option_order` holds a choice question's option ids (the bank's) in display order; the learner sees them as the
    attempt's aliases (hocso.assessment.option_ids). Matching papers show their right-hand items in alias order.
    """

    # No index of its own: the unique (attempt, slot) index serves every lookup by attempt, and each index is one more
    # write for the thirty rows of every start. No database constraint either: the rows are only ever inserted by the
    # statement (PostgreSQL) or transaction (SQLite) that inserts their attempt (exam.services.start), and deleted
    # by Django's cascade; PostgreSQL's check of the attempt for each of the thirty rows was 40 % of the database's
    # work for a start (pg_stat_statements: 30 × 0.033 ms, the insert itself 0.32 ms).
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions", db_index=False,
                                db_constraint=False)
    slot = models.PositiveSmallIntegerField()
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    mark = models.DecimalField(max_digits=7, decimal_places=3)
    option_order = models.JSONField(default=list, blank=True)
    fraction = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    score = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    # What the learner chose, in the bank's ids, written when the attempt is graded (grading decodes the aliases
    # anyway): single/multiple the sorted option ids, true/false ["true"] or ["false"], [] for no answer; None for
    # other types. The item analysis counts it with one GROUP BY instead of decoding every answer again.
    chosen = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "slot"]
        constraints = [models.UniqueConstraint(fields=["attempt", "slot"], name="assessment_paper_slot")]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.slot}"


class Answer(models.Model):
    """The learner's latest response to one slot. `seq` is the client's counter: an older save never wins."""

    # Served by the unique (attempt, slot) index, as for AttemptQuestion: the answer table takes every save.
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers", db_index=False)
    slot = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    seq = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "slot"], name="assessment_answer_slot")]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.slot}"


class QuestionImport(models.Model):
    """A parsed import file kept between the preview and the author's confirmation (then applied once)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, verbose_name=_("import into"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=20)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
