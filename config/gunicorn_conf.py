"""gunicorn settings for production: ``gunicorn -c python:config.gunicorn_conf config.wsgi``.

Every value can be overridden on the command line or with GUNICORN_* environment variables.
"""

import os

import gunicorn.http.wsgi

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Workers are replaced after a while, so memory held by one large request is given back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"

# Answers name no server software or version.
gunicorn.http.wsgi.SERVER = ""
