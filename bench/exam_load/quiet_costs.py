"""The server CPU of each exam-day request kind on a quiet machine, set against /healthz's in the same run.

    .venv/bin/python bench/exam_load/quiet_costs.py [--learners 2000] [--database-url postgres://…/hocso_bench]

Prepares the exam bench's data (bench/exam_load/run.py's `prepare`: learners with signed-in sessions, a bank of 90
questions, a quiz drawing 30, run as a campaign), starts gunicorn with ONE sync worker, and sends each kind of
request one after the other from this process (a new connection each, as a browser's first request): /healthz,
a learner's home page, the quiz page, the start answered with the exam page, an answer save, the submit by the
attempt's token. For each kind it reads the CPU the worker and its PostgreSQL backend used (psutil, /proc), per
request, and prints it with the ratio to /healthz's.

Why besides the saturation phases of run.py: there four workers share two cores with PostgreSQL and the load
generator, and a big request (a page built by Django, 47 KB of exam page) pays more for the caches the others
evict than a /healthz request does; the ratio then measures the crowd as much as the code. Here nothing competes:
the figures are the work itself, the same on a slower or a faster machine up to the machine's speed, which the
/healthz ratio cancels. Read both: this for what a change saves, run.py for what the machine holds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # bench/, for benchlib

import run  # noqa: E402  bench/exam_load/run.py: the same data and server as the load test
from benchlib import ATTEMPT_RE, TOKEN_RE, paper_answers  # noqa: E402

SAVE_URL, SUBMIT_URL = "/kiem-tra/luu-cau-tra-loi/", "/kiem-tra/nop-bai/"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=2000, help="requests of each kind (default 2000)")
    parser.add_argument("--database-url", default=run.DEFAULT_DATABASE)
    args = parser.parse_args()
    # run.prepare and run.server_environment read these.
    args.users, args.workers, args.worker_class, args.threads = args.learners, 1, "sync", 1
    return args


class Server:
    """One gunicorn worker and the PostgreSQL backends of its database, their CPU time read before and after."""

    def __init__(self, port: int, master: psutil.Popen, database: str):
        self.port, self.worker, self.database = port, master.children()[0], database

    def _backends(self) -> list[psutil.Process]:
        found = []
        for process in psutil.process_iter(["name", "cmdline"]):
            command = " ".join(process.info["cmdline"] or [])
            if command.startswith("postgres:") and f" {self.database} " in f" {command} ":
                found.append(process)
        return found

    def cpu(self) -> tuple[float, float]:
        def total(process: psutil.Process) -> float:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                return 0.0
            return times.user + times.system
        return total(self.worker), sum(total(p) for p in self._backends())

    def request(self, method: str, path: str, *, cookie: str = "", body: bytes = b"", **headers: str) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        if cookie:
            headers["Cookie"] = cookie
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        connection.close()
        if response.status != 200:
            raise SystemExit(f"{method} {path}: HTTP {response.status} {content[:300]!r}")
        return content


def measure(server: Server, name: str, requests: list) -> tuple[float, float, int]:
    """Send every request; the worker's and PostgreSQL's CPU per request, in ms, and the last answer's size."""
    worker, database = server.cpu()
    size = 0
    for request in requests:
        size = len(request())
    worker_after, database_after = server.cpu()
    count = len(requests)
    return 1000 * (worker_after - worker) / count, 1000 * (database_after - database) / count, size


def main() -> None:
    args = parse_args()
    port = run.free_port()
    env = run.server_environment(args, port)
    os.environ.update(env)
    run.ensure_database(args.database_url)
    run.manage(env, "migrate", "--noinput", "-v", "0")
    run.manage(env, "collectstatic", "--noinput", "-v", "0")
    plan = run.prepare(args)
    accounts = plan["accounts"]
    quiz, start = f"/kiem-tra/{plan['quiz']}/", f"/kiem-tra/{plan['quiz']}/bat-dau/"
    database = args.database_url.rsplit("/", 1)[1]

    def browser(account: dict) -> dict[str, str]:
        return {"cookie": f"sessionid={account['session']}; csrftoken={account['csrf']}",
                "X-CSRFToken": account["csrf"]}

    with run.gunicorn(env, port, 1) as master:
        server = Server(port, master, database)
        warm, measured = accounts[:20], accounts[20:]
        for account in warm:  # the worker's templates, caches, prepared statements
            server.request("GET", "/", **browser(account))
            server.request("GET", quiz, **browser(account))
            server.request("POST", start, **browser(account))
            server.request("GET", "/healthz")
        attempts: list[dict] = []

        def start_one(account: dict):
            def send() -> bytes:
                page = server.request("POST", start, **browser(account))
                text = page.decode()
                attempts.append({**account, "token": TOKEN_RE.search(text).group(1),
                                 "attempt": int(ATTEMPT_RE.search(text).group(1)), "answers": paper_answers(text)})
                return page
            return send

        def save_one(attempt: dict, slot: int):
            body = json.dumps({"slot": slot, "seq": 1, "response": attempt["answers"][slot - 1][0]}).encode()
            return lambda: server.request("POST", SAVE_URL, body=body, cookie=browser(attempt)["cookie"],
                                          **{"X-Attempt-Token": attempt["token"], "Content-Type": "application/json"})

        def submit_one(attempt: dict):
            return lambda: server.request("POST", SUBMIT_URL, body=b'{"pending": [], "auto": false}',
                                          cookie=browser(attempt)["cookie"], Accept="application/json",
                                          **{"X-Attempt-Token": attempt["token"], "Content-Type": "application/json"})

        figures: dict[str, tuple[float, float, int]] = {}
        started = time.perf_counter()
        figures["healthz"] = measure(server, "healthz", [lambda: server.request("GET", "/healthz")] * len(measured))
        figures["home page"] = measure(server, "home", [
            (lambda a=a: server.request("GET", "/", **browser(a))) for a in measured])
        figures["quiz page"] = measure(server, "quiz", [
            (lambda a=a: server.request("GET", quiz, **browser(a))) for a in measured])
        figures["start + exam page"] = measure(server, "start", [start_one(a) for a in measured])
        saves = [save_one(a, slot) for slot in (1, 2, 3) for a in attempts]
        figures["answer save"] = measure(server, "save", saves)
        figures["submit (by token)"] = measure(server, "submit", [submit_one(a) for a in attempts])
        seconds = time.perf_counter() - started

    worker0, database0, _size = figures["healthz"]
    healthz = worker0 + database0
    print(f"\n== Server CPU per request, one gunicorn worker, requests one after the other ({len(measured):,} of each "
          f"kind, {len(saves):,} saves; {seconds:.0f} s)")
    print(f"   {'request':<22}{'gunicorn ms':>12}{'PostgreSQL ms':>15}{'total ms':>10}{'× /healthz':>12}{'bytes':>9}")
    for name, (worker, database_cpu, size) in figures.items():
        total = worker + database_cpu
        print(f"   {name:<22}{worker:>12.2f}{database_cpu:>15.2f}{total:>10.2f}{total / healthz:>12.1f}{size:>9,}")
    start = sum(figures[k][0] + figures[k][1] for k in ("home page", "quiz page", "start + exam page"))
    print(f"   {'whole start':<22}{'':>12}{'':>15}{start:>10.2f}{start / healthz:>12.1f}")


if __name__ == "__main__":
    main()
