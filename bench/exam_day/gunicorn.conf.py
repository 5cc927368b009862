"""Gunicorn settings for the exam-day scenario (bench/exam_day/run.py): those of bench/exam_load/gunicorn.conf.py,
plus hooks that charge each request's CPU to its kind (home, quiz page, start, save, resume, submit, healthz).

A sync worker serves one request at a time, so the worker's CPU time between `pre_request` and `post_request` is
that request's (the response is written and closed by then), and so is the CPU time its PostgreSQL backend spent
meanwhile (read from /proc: the backend serves only this worker). Each worker writes its totals to
$BENCH_CPU_DIR/cpu-<pid>.json after each request (saves: at most once a second) and when it exits. The
accounting costs ~30 µs per request (two /proc reads), outside the measured interval.
"""

import json
import os
import re
import time
from pathlib import Path

exec(Path(__file__).resolve().parent.parent.joinpath("exam_load", "gunicorn.conf.py").read_text())

_OUT = Path(os.environ.get("BENCH_CPU_DIR", "/tmp"))
_TICK = os.sysconf("SC_CLK_TCK")
_QUIZ = re.compile(r"^/kiem-tra/\d+/$")
_ATTEMPT = re.compile(r"^/kiem-tra/bai-lam/\d+/$")
_totals: dict[str, list[float]] = {}
_state = {"written": 0.0}


def _kind(method: str, path: str) -> str:
    if path == "/healthz":
        return "healthz"
    if path == "/kiem-tra/luu-cau-tra-loi/":
        return "save"
    if method == "GET" and path == "/":
        return "home"
    if method == "GET" and _QUIZ.match(path):
        return "quiz page"
    if method == "POST" and path.endswith("/bat-dau/"):
        return "start"
    if method == "GET" and _ATTEMPT.match(path):
        return "resume"
    if method == "POST" and path.endswith("/nop-bai/"):
        return "submit"
    return "other"


def _backend_cpu() -> tuple[int | None, float]:
    from django.db import connection

    raw = connection.connection
    if raw is None:
        return None, 0.0
    pid = raw.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None, 0.0
    return pid, (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def _write(worker) -> None:
    path = _OUT / f"cpu-{os.getpid()}.json"
    path.write_text(json.dumps(_totals))
    _state["written"] = time.monotonic()


def pre_request(worker, req):
    req._bench = (_kind(req.method, req.path), time.process_time(), *_backend_cpu())


def post_request(worker, req, environ, resp):
    kind, cpu, pid, pg = req._bench
    after_pid, after_pg = _backend_cpu()
    row = _totals.setdefault(kind, [0, 0.0, 0.0])
    row[0] += 1
    row[1] += time.process_time() - cpu
    if pid is not None and pid == after_pid:
        row[2] += after_pg - pg
    if kind != "save" or time.monotonic() - _state["written"] > 1:  # saves are the many: at most once a second
        _write(worker)


def worker_exit(server, worker):
    _write(worker)
