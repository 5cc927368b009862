"""A real headless Chromium takes a short quiz over a link that drops for a while.

The learner answers, loses the connection for a few answers (they show as not saved and wait on the device),
gets it back (they are saved by themselves), submits and sees the result; the database then holds every answer.
Skipped without Debian's /usr/bin/chromium unless HOCSO_REQUIRE_BROWSER=1 (see hocso/tests/test_browser.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from hocso.assessment.models import Answer, Attempt, AttemptState, QuestionType
from hocso.assessment.tests.factories import make_category, make_question, make_quiz
from hocso.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ui(msgid: str) -> str:
    """A text as the page shows it (Vietnamese by default)."""
    with translation.override("vi"):
        return gettext(msgid)


@pytest.fixture
def short_quiz(db):
    category = make_category("Kỹ năng số")
    questions = [
        make_question(category, name=f"Câu {n}", text=f"<p>Câu hỏi số {n}?</p>") for n in range(1, 5)
    ] + [make_question(category, qtype=QuestionType.TRUE_FALSE, name="Câu 5", text="<p>VNeID là ứng dụng?</p>",
                       data={"correct": True})]
    return make_quiz(questions=questions, title="Kiểm tra nhanh", time_limit_minutes=30, shuffle_questions=False,
                     shuffle_options=False)


def state_of(page, slot: int):
    return page.locator(f"#q-{slot} .save-state")


def test_learner_takes_a_quiz_over_a_dropping_link(page, live_server, learner_user, learner_in_a,
                                                   short_quiz):
    from playwright.sync_api import expect

    problems: list[str] = []

    def console(message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in(page, live_server.url, learner_user.username)
    page.goto(f"{live_server.url}/kiem-tra/")
    expect(page.locator(".exam-quiz h2")).to_contain_text("Kiểm tra nhanh")
    page.click(f"form[action='/kiem-tra/{short_quiz.pk}/bat-dau/'] button")
    page.wait_for_url("**/kiem-tra/bai-lam/*/")
    expect(page.locator("#exam-timer")).to_contain_text(":")  # the countdown runs

    # Online: the answer is saved at once.
    page.check("#q1-o1")
    expect(state_of(page, 1)).to_have_attribute("data-state", "saved")
    expect(state_of(page, 1)).to_have_text(ui("Saved"))

    # The link drops: answers stay on the device, marked as not saved.
    page.context.set_offline(True)
    page.check("#q2-o2")
    page.check("#q3-o1")
    page.check("#q4-o3")
    for slot in (2, 3, 4):
        expect(state_of(page, slot)).to_have_attribute("data-state", "unsaved")
        expect(state_of(page, slot)).to_have_text(ui("Not saved"))
        expect(page.locator(f".exam-nav-item[data-slot='{slot}']")).to_have_class("exam-nav-item answered unsaved")
    expect(page.locator("#exam-status")).to_be_visible()
    pending = page.evaluate("() => Object.keys(JSON.parse(localStorage.getItem('hocso.exam.' + "
                            f"{Attempt.objects.get().pk})).pending)")
    assert sorted(pending) == ["2", "3", "4"]
    assert Answer.objects.count() == 1

    # The link comes back: they are saved without the learner doing anything.
    page.context.set_offline(False)
    for slot in (2, 3, 4):
        expect(state_of(page, slot)).to_have_attribute("data-state", "saved")
        expect(state_of(page, slot)).to_have_text(ui("Saved"))
    page.check("#q5-t")
    expect(state_of(page, 5)).to_have_attribute("data-state", "saved")

    # Submit, confirm, and see the result.
    page.click("#exam-submit")
    dialog = page.locator("#exam-confirm")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-all-answered]")).to_be_visible()
    dialog.locator("[data-confirm]").click()
    page.wait_for_url("**/ket-qua/")
    expect(page.locator(".exam-result")).to_have_attribute("data-state", "graded")
    expect(page.locator(".exam-score")).to_contain_text("3 / 5")

    attempt = Attempt.objects.get()
    answers = {a.slot: a.response for a in Answer.objects.filter(attempt=attempt)}
    # Stored as the page sent them: the attempt's own identifiers, which name the options the learner ticked.
    paper = {aq.slot: aq for aq in attempt.questions.select_related("version__question")}
    assert {slot: attempt.option_ids.decode(slot, paper[slot].version.question.qtype, paper[slot].version.data,
                                            response) for slot, response in answers.items()} == {
        1: {"choice": "a"}, 2: {"choice": "b"}, 3: {"choice": "a"}, 4: {"choice": "c"}, 5: {"value": True}}
    assert all(response != {"choice": option} for response in answers.values() for option in "abc")
    assert attempt.state == AttemptState.GRADED and attempt.score == 3 and not attempt.auto_submitted
    assert page.evaluate(f"() => localStorage.getItem('hocso.exam.{attempt.pk}')") is None
    # No script errors and no Content-Security-Policy violations (either would be logged as a console error),
    # apart from the failed requests while the link was down.
    assert [p for p in problems if "ERR_INTERNET_DISCONNECTED" not in p and "Failed to fetch" not in p] == []


def test_two_tabs_and_the_end_of_time(page, live_server, learner_user, learner_in_a, short_quiz):
    from playwright.sync_api import expect

    from hocso.assessment.exam.services import attempt_start
    from hocso.assessment.tests.factories import make_quiz

    sign_in(page, live_server.url, learner_user.username)
    attempt = attempt_start(learner=learner_in_a, quiz=short_quiz)
    url = f"{live_server.url}/kiem-tra/bai-lam/{attempt.pk}/"
    page.goto(url)
    other_tab = page.context.new_page()
    other_tab.goto(url)

    page.check("#q1-o1")
    expect(state_of(page, 1)).to_have_attribute("data-state", "saved")
    # The other tab submits; this one finds out with its next save and shows the result.
    other_tab.click("[data-submit]")
    other_tab.locator("[data-confirm]").click()
    other_tab.wait_for_url("**/ket-qua/")
    page.click("#q2-o1")  # not check(): the page may already be leaving when Playwright would verify the tick
    page.wait_for_url("**/ket-qua/")
    expect(page.locator(".exam-result")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and attempt.score == 1
    assert not Answer.objects.filter(attempt=attempt, slot=2).exists()  # refused: it came after the submit

    # A paper with a few seconds left: the page submits by itself at zero, with the last answer given.
    quiz = make_quiz(questions=[short_quiz.slots.first().question], title="Hết giờ", time_limit_minutes=1,
                     shuffle_options=False)
    late = attempt_start(learner=learner_in_a, quiz=quiz)
    # Enough seconds for the page to load and the tick to land on a busy CI machine, before the page's zero.
    Attempt.objects.filter(pk=late.pk).update(deadline=timezone.now() + dt.timedelta(seconds=10))
    page.goto(f"{live_server.url}/kiem-tra/bai-lam/{late.pk}/")
    page.check("#q1-o1")
    page.wait_for_url("**/ket-qua/", timeout=30_000)
    late.refresh_from_db()
    assert late.state == AttemptState.GRADED and late.auto_submitted and late.score == 1


def test_a_refused_save_stops_and_a_busy_server_is_tried_again(page, live_server, learner_user, learner_in_a,
                                                                short_quiz):
    """What answers a save decides what the page does: a refusal for good (a 400 page that is not even JSON, as
    a proxy or Django's host check sends) marks the answer as not saved and stops; a busy server (503) is asked
    again until it takes the answer."""
    from playwright.sync_api import expect

    sign_in(page, live_server.url, learner_user.username)
    page.goto(f"{live_server.url}/kiem-tra/")
    page.click(f"form[action='/kiem-tra/{short_quiz.pk}/bat-dau/'] button")
    page.wait_for_url("**/kiem-tra/bai-lam/*/")
    sent: list[str] = []

    def refuse(route) -> None:
        sent.append("400")
        route.fulfill(status=400, content_type="text/html", body="<h1>Bad Request (400)</h1>")

    page.route("**/kiem-tra/luu-cau-tra-loi/", refuse)
    page.check("#q1-o1")
    expect(state_of(page, 1)).to_have_attribute("data-state", "error")
    page.wait_for_timeout(2500)  # longer than the first retry's delay: nothing is sent again
    assert sent == ["400"]
    page.unroute("**/kiem-tra/luu-cau-tra-loi/")

    busy = {"left": 2}

    def busy_then_through(route) -> None:
        if busy["left"]:
            busy["left"] -= 1
            sent.append("503")
            route.fulfill(status=503, content_type="text/html", body="<h1>Service Unavailable</h1>")
        else:
            sent.append("through")
            route.continue_()

    page.route("**/kiem-tra/luu-cau-tra-loi/", busy_then_through)
    page.check("#q2-o2")
    expect(state_of(page, 2)).to_have_attribute("data-state", "saved", timeout=15_000)
    assert sent == ["400", "503", "503", "through"]
    attempt = Attempt.objects.get(learner=learner_in_a)
    assert set(Answer.objects.filter(attempt=attempt).values_list("slot", flat=True)) == {2}
