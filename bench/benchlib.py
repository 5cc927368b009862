"""Helpers shared by the benchmark scripts (run as `python bench/<script>.py`, so this folder is on sys.path)."""

from __future__ import annotations

import os
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
