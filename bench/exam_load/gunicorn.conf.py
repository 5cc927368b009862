"""Gunicorn settings for the exam-day benchmark (bench/exam_load/run.py); see docs/exam-day.md for production.

Sync workers, two per core by default: a save spends most of its time waiting for PostgreSQL, so a second worker
per core keeps the core busy meanwhile; more workers only add context switches and database connections.
"""

import multiprocessing
import os

bind = os.environ.get("BENCH_BIND", "127.0.0.1:8765")
workers = int(os.environ.get("BENCH_WORKERS", str(2 * multiprocessing.cpu_count())))
worker_class = os.environ.get("BENCH_WORKER_CLASS", "sync")  # run.py --worker-class gthread compares
threads = int(os.environ.get("BENCH_THREADS", "1"))
# A queue of connections waiting for a free worker: at saturation Locust opens more connections than workers.
backlog = 4096
timeout = 60
graceful_timeout = 5
# Django is imported once in the master and shared by the forked workers (faster start and respawn). No database
# connection is opened at import time, so none is shared across the fork.
preload_app = True
accesslog = None
errorlog = "-"
loglevel = "warning"
