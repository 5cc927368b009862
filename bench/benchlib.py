"""Helpers shared by the benchmark scripts (run as `python bench/<script>.py`, so this folder is on sys.path)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


class StatementCounter:
    """A Django execute wrapper that counts the SQL statements run inside `connection.execute_wrapper(...)`."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist (other URLs: nothing to do)."""
    parts = urlparse(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    with psycopg.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username,
                         password=parts.password, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created the database {name}.")


def start_django_worker(database_url: str, work: Path) -> None:
    """Set up Django in a bench's worker process: one database, settings read once from the environment set here
    (the demo builder allowed, DEBUG off so no query log: time what production runs, files under `work`)."""
    work.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = database_url
    os.environ["HOCSO_DEMO"] = "1"
    os.environ["DEBUG"] = "0"
    os.environ["HOCSO_VAR_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocso.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def stop_server(server: subprocess.Popen) -> None:
    """Stop a gunicorn started by a bench: TERM, then KILL after 15 s."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


# --- the exam page, as a learner's browser reads it (Locust, the exam-day client) -----------------------------

TOKEN_RE = re.compile(r'"token":\s*"([A-Za-z0-9_-]+)"')
ATTEMPT_RE = re.compile(r'"url":\s*"/kiem-tra/bai-lam/(\d+)/"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The exam page's questions (hocso/assessment/exam/render.py): each section, its inputs' values, its selects.
SECTION_RE = re.compile(r'<section class="card exam-q" id="q-(\d+)" data-slot="\d+" data-qtype="(\w+)"(.*?)</section>',
                        re.S)
VALUE_RE = re.compile(r'<input type="(?:radio|checkbox)"[^>]* value="([^"]*)"')
LEFT_RE = re.compile(r'data-left="([^"]*)"')
OPTION_RE = re.compile(r'<option value="([^"]+)"')


def paper_answers(html: str) -> list[list[dict]]:
    """Per slot, answers a learner could give, with the identifiers this attempt's page shows (each attempt has its
    own option aliases: a bank id like "a" would be stored but name nothing)."""
    answers: dict[int, list[dict]] = {}
    for slot, qtype, body in SECTION_RE.findall(html):
        values = VALUE_RE.findall(body)
        if qtype == "single":
            answers[int(slot)] = [{"choice": value} for value in values]
        elif qtype == "multiple":
            answers[int(slot)] = [{"choices": [value]} for value in values]
        elif qtype == "truefalse":
            answers[int(slot)] = [{"value": True}, {"value": False}]
        elif qtype == "matching":
            left = LEFT_RE.search(body)
            rights = list(dict.fromkeys(OPTION_RE.findall(body)))
            answers[int(slot)] = [{"pairs": {left.group(1): right}} for right in rights] if left else []
        else:
            answers[int(slot)] = [{"text": "Chuyển đổi số là dùng dữ liệu và công nghệ số"}]
    return [answers.get(slot) or [{}] for slot in range(1, max(answers, default=0) + 1)]


def machine_line(connection) -> str:
    """The closing line of a bench's figures: cores, load, Python and the database's version."""
    version = connection.vendor
    if version == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        version = f"SQLite {sqlite3.sqlite_version}"
    return (f"\n   machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; Python "
            f"{sys.version.split()[0]}; {version}")
