"""Settings read from the environment: commands run without a key, serving refuses to."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "HOCSO_DEMO", "DEBUG", "HOCSO_TESTING", "DJANGO_SETTINGS_MODULE"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="hocso.settings", HOCSO_VAR_DIR=str(ROOT / "var" / "settings-test"))
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=120)


def test_makemigrations_check_runs_without_a_secret_key():
    result = _run("import django; from django.core.management import call_command; django.setup(); "
                  "call_command('makemigrations', '--check', '--dry-run', verbosity=0)")
    assert result.returncode == 0, result.stderr


def test_serving_without_a_secret_key_is_refused():
    result = _run("import hocso.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_serving_with_a_secret_key_starts():
    result = _run("import hocso.wsgi", SECRET_KEY="a-real-secret-for-this-test-only-0123456789", ALLOWED_HOSTS="x")
    assert result.returncode == 0, result.stderr


def test_prepared_statements_are_on_for_postgresql_and_can_be_turned_off_by_either_name():
    code = "from django.conf import settings as s; print(s.HOCSO_PREPARED_STATEMENTS)"
    postgresql = {"DATABASE_URL": "postgres://nobody@127.0.0.1:5432/none"}  # read, never connected to
    for env, expected in [
        ({}, "False"),  # SQLite: nothing to prepare
        (postgresql, "True"),
        ({**postgresql, "HOCSO_PREPARED_STATEMENTS": "0"}, "False"),
        ({**postgresql, "HOCSO_EXAM_SAVE_PREPARED": "0"}, "False"),  # the former name, kept for existing setups
    ]:
        clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "HOCSO_PREPARED_STATEMENTS",
                                                                  "HOCSO_EXAM_SAVE_PREPARED"}}
        result = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT,
                                env={**clean, **env, "DJANGO_SETTINGS_MODULE": "hocso.settings",
                                     "HOCSO_VAR_DIR": str(ROOT / "var" / "settings-test")},
                                capture_output=True, text=True, timeout=120)
        assert result.stdout.strip() == expected, (env, result.stderr)
