"""The home page's panels: what each role has to do now or to look at, read through the selectors of the apps that
own the data (site sits above them all and writes nothing).

A person with several roles gets each panel once: the province panel for administrators, the unit panel for focal
points who are not administrators (the province panel already covers the whole tree), the imports panel for both,
the teaching panel for instructors, the learning panel for anyone with a staff profile, the bridge-site panel for
coordinators. Every list is bounded; the figures read from every person (the plan's progress, the campaigns') are
cached for a few minutes by their selectors.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from hocso.access.models import Role
from hocso.access.scoping import roles_of
from hocso.access.selectors import user_role_assignments
from hocso.assessment.bank.selectors import question_imports_pending
from hocso.assessment.exam.selectors import QuizStatus, my_quizzes
from hocso.assessment.statistics.selectors import essays_waiting, quizzes_latest_results
from hocso.campaigns.selectors import Status, open_campaigns_for
from hocso.campaigns.selectors.home import campaign_summary, open_campaigns_visible
from hocso.core.selectors import background_tasks_needing_attention
from hocso.events.programme_selectors import upcoming_for_coordinator
from hocso.events.selectors import sites_coordinated_by
from hocso.org.selectors import unit_roots, with_counts
from hocso.people.selectors import imports_needing_attention, learner_of, membership_changes
from hocso.training.classes.selectors import classes_taught, sessions_taught, sessions_upcoming
from hocso.training.plans.selectors import plan_year_progress
from hocso.training.selectors import learning_of

# The campaign statuses the follow-up lists by (the home page links to each).
FOLLOW_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.FAILED)


# The badge of a test in an open campaign: where the learner stands in it.
CAMPAIGN_STATUS_LABELS = {
    Status.PASSED: _("Passed"),
    Status.FAILED: _("Not passed yet"),
    Status.IN_PROGRESS: _("In progress"),
    Status.AWAITING_GRADING: _("Waiting for grading"),
}


@dataclass
class OpenTest:
    """A test open to the learner now, as the home page shows it: a quiz row of theirs (their window, attempts)
    and the open campaign on that quiz, if any. A campaign whose quiz the learner cannot open (not published,
    closed) comes without a row. Everything the page asks is worked out here once, not in the template's loop."""

    quiz: object  # assessment.models.Quiz
    campaign: object | None = None
    campaign_status: str = ""
    closes_at: object = None  # the quiz's own closing time (with the learner's override), if it has one
    closes_on: object = None  # the campaign's last day, if the quiz is in an open campaign
    action: str = ""  # "resume" (an attempt is open), "start", "see" (a campaign's quiz they cannot start), ""
    attempt_id: int | None = None  # the open attempt, for "resume"

    @classmethod
    def of(cls, quiz, row=None, campaign=None, campaign_status: str = "") -> OpenTest:
        test = cls(quiz=quiz, campaign=campaign, campaign_status=campaign_status,
                   closes_on=campaign.closes_on if campaign is not None else None)
        if row is not None:
            test.closes_at = row.window.close_at
            attempt = row.open_attempt
            if attempt is not None:
                test.action, test.attempt_id = "resume", attempt.pk
            elif row.can_start:
                test.action = "start"
        elif campaign_status != Status.PASSED:
            test.action = "see"
        return test

    @property
    def status_label(self) -> str:
        return CAMPAIGN_STATUS_LABELS.get(self.campaign_status, _("Not started"))


@dataclass
class Home:
    roles: set[str]
    learner: object | None
    assignments: list = field(default_factory=list)
    panels: dict[str, dict] = field(default_factory=dict)


def province_panel(user, today) -> dict:
    plan = plan_year_progress(actor=user, year=today.year)
    return {
        "year": today.year,
        "plan": plan[0] if plan else None,
        "plan_row": plan[1] if plan else None,
        "campaigns": [campaign_summary(actor=user, campaign=c, behind=5)
                      for c in open_campaigns_visible(actor=user, today=today)],
        "sessions": sessions_upcoming(actor=user, days=14, limit=8, today=today),
    }


def unit_panel(user, today) -> dict:
    return {
        "units": with_counts(unit_roots(actor=user)),
        "campaigns": [campaign_summary(actor=user, campaign=c, behind=5, people=8)
                      for c in open_campaigns_visible(actor=user, today=today)],
        "changes": membership_changes(actor=user, days=30, limit=8, today=today),
    }


def imports_panel(user) -> dict:
    task_count, tasks = background_tasks_needing_attention(actor=user)
    panel = {
        "people_imports": imports_needing_attention(actor=user),
        "question_imports": question_imports_pending(actor=user),
        "task_count": task_count,
        "tasks": tasks,
    }
    panel["empty"] = not (panel["people_imports"] or panel["question_imports"] or task_count)
    return panel


def teaching_panel(user, today) -> dict:
    sessions = sessions_taught(actor=user, limit=6, today=today)
    return {
        "today": [s for s in sessions if s.date == today],
        "next": [s for s in sessions if s.date != today],
        "essays": essays_waiting(actor=user),
        "classes": classes_taught(actor=user, today=today),
        "quizzes": quizzes_latest_results(actor=user),
    }


# The learning panel's fixed words (the same msgids the template translated) and links without arguments. Every
# learner opens the panel, and a {% translate %} tag or a {% url %} costs more than the rest of a line, so they are
# worked out once per language and script prefix, like the learner's menu. Marked safe as a template's own words are.
LEARNING_WORDS = {
    "your_learning": gettext_noop("Your learning"),
    "open_tests": gettext_noop("Open tests"),
    "no_deadline": gettext_noop("No deadline"),
    "resume": gettext_noop("Resume"),
    "start": gettext_noop("Start"),
    "see_the_test": gettext_noop("See the test"),
    "no_test": gettext_noop("No test is open for you now."),
    "all_your_tests": gettext_noop("All your tests"),
    "courses_in_progress": gettext_noop("Courses in progress"),
    "continue": gettext_noop("Continue"),
    "begin": gettext_noop("Begin"),
    "no_course": gettext_noop("No course in progress."),
    "find_a_course": gettext_noop("Find a course"),
    "your_next_sessions": gettext_noop("Your next sessions"),
    "no_session": gettext_noop("No class session planned for you."),
    "your_certificates": gettext_noop("Your certificates"),
    "revoked": gettext_noop("Revoked"),
    "download_pdf": gettext_noop("Download (PDF)"),
    "no_certificate": gettext_noop("No certificate yet."),
    "see_your_full_profile": gettext_noop("See your full profile"),
}
LEARNING_LINKS = {"my_quizzes_url": "assessment:exam_my_quizzes", "catalogue_url": "training:catalogue"}


@functools.lru_cache(maxsize=32)
def learning_words(language: str | None, prefix: str) -> dict[str, SafeString]:
    """The words in `language` (the active one: the key only tells the cache apart) and the links under `prefix`."""
    words = {key: mark_safe(gettext(msgid)) for key, msgid in LEARNING_WORDS.items()}
    return words | {key: mark_safe(reverse(name)) for key, name in LEARNING_LINKS.items()}


def learning_panel(learner, today) -> dict:
    """Every learner's panel, read in two statements (their quizzes; their courses, sessions and certificates) and
    one more per open campaign, if any is open."""
    campaigns = {c.quiz_id: (c, status) for c, status in open_campaigns_for(learner=learner, today=today)}
    tests = []
    for row in my_quizzes(learner=learner, status=QuizStatus.OPEN):
        if not (row.can_start or row.can_continue or row.quiz.pk in campaigns):
            continue
        campaign, status = campaigns.pop(row.quiz.pk, (None, ""))
        tests.append(OpenTest.of(row.quiz, row, campaign, status))
    tests += [OpenTest.of(c.quiz, None, c, status) for c, status in campaigns.values()]
    learning = learning_of(learner=learner, today=today, limit=5)
    return {
        "words": learning_words(get_language(), get_script_prefix()),
        "tests": tests,
        "courses": learning.courses,
        "sessions": learning.sessions,
        "certificates": learning.certificates,
    }


def bridge_panel(user, assignments: list) -> dict:
    return {"assignments": [a for a in assignments if a.role == Role.COORDINATOR],
            "sites": sites_coordinated_by(user=user), "sessions": upcoming_for_coordinator(user=user)}


def home_for(user) -> Home:
    """The panels for this user's roles and profile, each once."""
    today = timezone.localdate()
    roles = roles_of(user)
    learner = learner_of(user)
    home = Home(roles=roles, learner=learner, assignments=list(user_role_assignments(user=user)) if roles else [])
    if Role.PROVINCE_ADMIN in roles:
        home.panels["province"] = province_panel(user, today)
    elif Role.FOCAL_POINT in roles:
        home.panels["unit"] = unit_panel(user, today)
    if roles & {Role.PROVINCE_ADMIN, Role.FOCAL_POINT}:
        home.panels["imports"] = imports_panel(user)
    if Role.INSTRUCTOR in roles:
        home.panels["teaching"] = teaching_panel(user, today)
    if learner is not None:
        home.panels["learning"] = learning_panel(learner, today)
    if Role.COORDINATOR in roles:
        home.panels["bridge"] = bridge_panel(user, home.assignments)
    return home
