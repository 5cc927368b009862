"""A worker process killed with SIGKILL in the middle of the exam loses no acknowledged answer.

A real gunicorn (two sync workers) serves the test database; threads save answers as fast as they can; one worker
is killed with SIGKILL mid-stream (gunicorn starts another). Every save that was answered 200 must be in the
database afterwards, with that sequence number or a newer one: an acknowledgement means the answer is committed.

On SQLite the test database lives in memory, which another process cannot open: it is copied to a file (with the
quiz and attempts already in it) and the server and the final check use that file. On PostgreSQL the server
connects to the test database itself (the data is committed: `transactional_db`).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from hocso.assessment.exam.services import attempt_start
from hocso.assessment.models import Answer
from hocso.assessment.tests.factories import make_category, make_question, make_quiz
from hocso.tests.factories import make_learner

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds gunicorn's workers in /proc")

REPO = Path(__file__).resolve().parents[3]
THREADS = 8
QUESTIONS = 10
SAVE_PATH = "/kiem-tra/luu-cau-tra-loi/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _lost_the_port(server: subprocess.Popen) -> bool:
    """True if gunicorn could not bind its port (it exits, having said so); False once it listens."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            stderr = server.stderr.read().decode()
            if "in use" in stderr:
                return True
            pytest.fail(f"gunicorn stopped: {stderr[-2000:]}")
        if _children(server.pid):  # the master forks workers only once it holds the socket
            return False
        time.sleep(0.05)
    return False


def _children(pid: int) -> set[int]:
    """Processes whose parent is `pid` (gunicorn's workers)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # the command name, in parentheses, may hold spaces
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry))
    return found


def _database_for_server(tmp_path: Path) -> tuple[str, object]:
    """(DATABASE_URL for gunicorn, a function returning {(attempt, slot): (seq, response)} as stored)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "live.sqlite3"
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(path)) as target:
            connection.connection.backup(target)

        def stored():
            with contextlib.closing(sqlite3.connect(path)) as db:
                rows = db.execute("SELECT attempt_id, slot, seq, response FROM assessment_answer").fetchall()
            return {(a, s): (seq, json.loads(r)) for a, s, seq, r in rows}

        return f"sqlite:///{path}", stored

    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"

    def stored():
        rows = Answer.objects.values_list("attempt_id", "slot", "seq", "response")
        return {(a, s): (seq, r) for a, s, seq, r in rows}

    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}", stored


@contextlib.contextmanager
def _gunicorn(database_url: str, tmp_path: Path):
    env = {
        **os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "hocso.test_settings",
        "HOCSO_TESTING": "1", "HOCSO_VAR_DIR": str(tmp_path / "var"), "CONN_MAX_AGE": "600", "LOG_LEVEL": "ERROR",
    }
    for _try in range(3):
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "hocso.wsgi:application", "--workers", "2", "--worker-class", "sync",
             "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--graceful-timeout", "3", "--log-level", "warning"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        # Another process may take the free port before gunicorn binds it: gunicorn then gives up, and we try another.
        if not _lost_the_port(server):
            break
        server.stderr.close()
    else:
        pytest.fail("gunicorn found the port taken three times")
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"gunicorn stopped: {server.stderr.read().decode()[-2000:]}")
            try:
                status = _request(port, "GET", "/healthz")[0]
                if status == 200 and len(_children(server.pid)) == 2:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not start within 30 s")
            time.sleep(0.1)
        yield port, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()


def _request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Stream(threading.Thread):
    """Saves answers to one attempt, one slot after the other, with an ever-growing sequence number."""

    def __init__(self, port: int, attempt_id: int, token: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.attempt_id, self.token, self.stop = port, attempt_id, token, stop
        self.acknowledged: list[tuple[int, int, int, float]] = []  # (attempt, slot, seq, when)
        self.failures = 0

    def run(self) -> None:
        seq = 0
        while not self.stop.is_set():
            seq += 1
            slot = seq % QUESTIONS + 1
            body = json.dumps({"slot": slot, "seq": seq, "response": {"choice": "abc"[seq % 3]}}).encode()
            try:
                status, payload = _request(self.port, "POST", SAVE_PATH, body,
                                           {"X-Attempt-Token": self.token, "Content-Type": "application/json"})
            except (OSError, http.client.HTTPException):
                # The worker died under this request (before or while answering): not acknowledged; the page would
                # send it again.
                self.failures += 1
                continue
            if status == 200 and json.loads(payload).get("ok"):
                self.acknowledged.append((self.attempt_id, slot, seq, time.monotonic()))
            else:
                self.failures += 1


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_sigkill_of_a_worker_mid_stream_loses_no_acknowledged_answer(transactional_db, tmp_path, commune_a):
    category = make_category()
    quiz = make_quiz(questions=[make_question(category, name=f"Câu {i}") for i in range(1, QUESTIONS + 1)],
                     shuffle_questions=False)
    attempts = [attempt_start(learner=make_learner(commune_a, f"Người thi {i}"), quiz=quiz) for i in range(THREADS)]
    database_url, stored = _database_for_server(tmp_path)

    with _gunicorn(database_url, tmp_path) as (port, master):
        stop = threading.Event()
        streams = [Stream(port, a.pk, a.token, stop) for a in attempts]
        for stream in streams:
            stream.start()

        def acknowledged() -> int:
            return sum(len(s.acknowledged) for s in streams)

        try:
            assert _wait_for(lambda: acknowledged() >= 200, 20), "the saves did not get going"
            workers = _children(master)
            victim = min(workers)
            killed_at = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            # gunicorn replaces the dead worker; saves go on through the survivor and then the newcomer.
            respawned = _wait_for(lambda: len(_children(master) - workers) == 1 and len(_children(master)) == 2, 20)
            before_kill = acknowledged()
            assert _wait_for(lambda: acknowledged() >= before_kill + 200, 20), "saves stopped after the kill"
        finally:
            stop.set()
            for stream in streams:
                stream.join(timeout=15)

    assert respawned and victim not in _children(master)
    acks = [ack for stream in streams for ack in stream.acknowledged]
    assert any(when < killed_at for *_key, when in acks) and any(when > killed_at for *_key, when in acks)
    saved = stored()
    lost = [(a, slot, seq) for a, slot, seq, _when in acks if (a, slot) not in saved or saved[(a, slot)][0] < seq]
    assert not lost, f"{len(lost)} acknowledged saves are missing, e.g. {lost[:5]}"
    print(f"{len(acks)} saves acknowledged, {sum(s.failures for s in streams)} cut off by the kill or refused")
    # What is stored is whole: the response that was sent with the stored sequence number.
    for seq, response in saved.values():
        assert response == {"choice": "abc"[seq % 3]}
