"""Locust users for the exam-day benchmark. Run through bench/exam_load/run.py, which prepares the plan they read.

Environment: BENCH_PLAN (JSON written by run.py), BENCH_OUT (where start phases write the attempts they opened),
BENCH_THINK (mean seconds between two answers in the `ExamUser` flow), BENCH_SAVE_COOKIES (1: answer saves carry
the session and CSRF cookies as a browser's would; 0: only the attempt token).

Each user class is one phase: pick it on the command line (`locust -f locustfile.py StartUser`).
- LoginUser   signs in with a password (the PBKDF2 check is the cost), one account after the other.
- ExamUser    the whole exam with think time: quiz page, start (answered with the exam page), 30 answers, submit;
              then the next person.
- StartUser   quiz page, start (answered with the exam page), back to back (no think time), until every prepared
              person has started.
- ReadyStartUser  the start alone (the quiz page was opened before the exam opened), back to back.
- SaveUser    answer saves back to back on the attempts the start phase opened.
- SubmitUser  submits those attempts, back to back, each once.
- HealthUser  GET /healthz (one SELECT 1): the server's ceiling for a request that does nothing.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))  # bench/, for benchlib
from benchlib import ATTEMPT_RE, CSRF_RE, TOKEN_RE, paper_answers

with open(os.environ["BENCH_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
QUIZ = PLAN["quiz"]
QUESTIONS = PLAN["questions"]
THINK = float(os.environ.get("BENCH_THINK", "2"))
SAVE_COOKIES = os.environ.get("BENCH_SAVE_COOKIES", "1") == "1"
SAVE_URL = "/kiem-tra/luu-cau-tra-loi/"
SUBMIT_URL = "/kiem-tra/nop-bai/"
accounts = iter(PLAN.get("accounts", []))
login_accounts = itertools.cycle(PLAN.get("login_accounts", []) or [None])
attempts = PLAN.get("attempts", [])
to_submit = iter(attempts)
# One counter for every save, so each save is newer than the last one to its slot. Each phase runs in its own
# Locust process and starts from its own base (run.py sets it), above every earlier phase's saves: otherwise a later
# phase would replay older sequence numbers and measure the "nothing to write" path instead of saves.
sequence = itertools.count(int(os.environ.get("BENCH_SEQ_BASE", "0")) + 1)
started: list[dict] = []
live_users = {"count": 0}


def _cookies(person: dict) -> str:
    """The browser's cookies of someone who signed in before the exam: their session and CSRF cookie.

    Sent as a header (Locust's cookie jar stays empty and unused), so every request carries exactly these."""
    return f"sessionid={person['session']}; csrftoken={person['csrf']}"


class _Bench(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    network_timeout = 120.0
    connection_timeout = 120.0

    def on_start(self) -> None:
        live_users["count"] += 1

    def done(self) -> None:
        """Nothing left to do: stop this user, and the test once the last one has stopped."""
        live_users["count"] -= 1
        if live_users["count"] <= 0:
            gevent.spawn_later(0.1, self.environment.runner.quit)
        raise StopUser()

    def start_exam(self, person: dict, quiz_page: bool = True, home_page: bool = False) -> dict | None:
        cookies = {"Cookie": _cookies(person)}
        if home_page and not self._page("/", "home", cookies):
            return None
        if quiz_page and not self._page(f"/kiem-tra/{QUIZ}/", "quiz page", cookies):
            return None
        # The start answers with the exam page itself (the whole paper and the attempt's token), as a browser sees it.
        with self.client.post(f"/kiem-tra/{QUIZ}/bat-dau/", name="start + exam page", allow_redirects=False,
                              headers={**cookies, "X-CSRFToken": person["csrf"]}, catch_response=True) as response:
            token = TOKEN_RE.search(response.text or "")
            match = ATTEMPT_RE.search(response.text or "")
            if response.status_code != 200 or not token or not match:
                response.failure(f"start: HTTP {response.status_code} {response.headers.get('Location') or ''}, "
                                 f"token {'found' if token else 'missing'}")
                return None
        return {**person, "attempt": int(match.group(1)), "token": token.group(1),
                "answers": paper_answers(response.text)}

    def _page(self, path: str, name: str, cookies: dict) -> bool:
        with self.client.get(path, name=name, headers=cookies, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name}: HTTP {response.status_code}")
                return False
        return True

    def save(self, attempt: dict, slot: int, seq: int, cookies: bool = True) -> None:
        """One answer, as the exam page's script posts it: the token, and the browser's cookies unless told not to."""
        headers = {"X-Attempt-Token": attempt["token"], "Content-Type": "application/json"}
        if cookies:
            headers["Cookie"] = _cookies(attempt)
        choices = attempt["answers"][slot - 1]
        body = json.dumps({"slot": slot, "seq": seq, "response": choices[seq % len(choices)]})
        with self.client.post(SAVE_URL, data=body, headers=headers, name="answer save",
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"save: HTTP {response.status_code} {response.text[:200]}")

    def submit(self, attempt: dict) -> None:
        """As the exam page's script submits: by the attempt's token, with the browser's cookies along."""
        headers = {"Cookie": _cookies(attempt), "X-Attempt-Token": attempt["token"], "Accept": "application/json",
                   "Content-Type": "application/json"}
        with self.client.post(SUBMIT_URL, data='{"pending": [], "auto": false}', headers=headers, name="submit",
                              catch_response=True) as response:
            if response.status_code != 200 or '"ok": true' not in (response.text or ""):
                response.failure(f"submit: HTTP {response.status_code} {(response.text or '')[:200]}")


class LoginUser(_Bench):
    @task
    def login(self) -> None:
        person = next(login_accounts)
        if person is None:
            self.done()
        # A browser that has not signed in yet, with a CSRF cookie from an earlier visit.
        cookies = {"Cookie": f"csrftoken={person['csrf']}"}
        with self.client.get("/dang-nhap/", name="login page", headers=cookies, catch_response=True) as response:
            csrf = CSRF_RE.search(response.text or "")
            if response.status_code != 200 or not csrf:
                response.failure(f"login page: HTTP {response.status_code}")
                return
        form = {"username": person["username"], "password": PLAN["password"], "csrfmiddlewaretoken": csrf.group(1)}
        with self.client.post("/dang-nhap/", data=form, name="login (password check)", allow_redirects=False,
                              headers={**cookies, "Content-Type": "application/x-www-form-urlencoded"},
                              catch_response=True) as response:
            if response.status_code != 302 or "dang-nhap" in (response.headers.get("Location") or ""):
                response.failure(f"login: HTTP {response.status_code} to {response.headers.get('Location')!r}")


class ExamUser(_Bench):
    """One person after another sits the whole exam, thinking between answers."""

    @task
    def sit_exam(self) -> None:
        person = next(accounts, None)
        if person is None:
            self.done()
        attempt = self.start_exam(person)
        if attempt is None:
            return
        gevent.sleep(random.uniform(0.5, 1.5) * THINK)  # reads the first question
        for slot in random.sample(range(1, QUESTIONS + 1), QUESTIONS):
            self.save(attempt, slot, next(sequence))
            gevent.sleep(random.uniform(0.5, 1.5) * THINK)
        self.submit(attempt)


class StartUser(_Bench):
    """A learner's whole start: their home page, the quiz page, the start answered with the exam page."""

    @task
    def start_attempt(self) -> None:
        person = next(accounts, None)
        if person is None:
            self.done()
        attempt = self.start_exam(person, home_page=True)
        if attempt is not None:
            started.append(attempt)


class ReadyStartUser(_Bench):
    """Learners who opened the quiz page before the exam opened (as on exam day) and press Start at once."""

    @task
    def start_attempt(self) -> None:
        person = next(accounts, None)
        if person is None:
            self.done()
        attempt = self.start_exam(person, quiz_page=False)
        if attempt is not None:
            started.append(attempt)


class SaveUser(_Bench):
    @task
    def save_answer(self) -> None:
        self.save(random.choice(attempts), random.randint(1, QUESTIONS), next(sequence), cookies=SAVE_COOKIES)


class SubmitUser(_Bench):
    @task
    def submit_attempt(self) -> None:
        attempt = next(to_submit, None)
        if attempt is None:
            self.done()
        self.submit(attempt)


class HealthUser(_Bench):
    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="healthz")


@events.test_stop.add_listener
def _write_started(environment, **_kwargs) -> None:
    out = os.environ.get("BENCH_OUT")
    if out and started:
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(started, handle)
