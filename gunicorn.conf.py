"""Gunicorn settings, all overridable from the environment (the container sets PORT)."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
# Build the index once in the master; forked workers share its memory pages copy-on-write.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never take a worker down; jitter staggers them.
max_requests = 5000
max_requests_jitter = 500
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
