"""Helpers shared by the benchmark scripts (run as `python bench/<script>.py`, so this folder is on sys.path)."""

from __future__ import annotations

from urllib.parse import urlparse


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
