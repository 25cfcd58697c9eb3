"""A web worker loads the heavy libraries only when it first needs them: drawing a PDF (fpdf2
and its font tools), making a pinyin slug (pypinyin's dictionaries) or signing a badge (PyJWT
with cryptography) adds tens of MB to every process that has done it once."""

import json
import os
import subprocess
import sys

from django.conf import settings

HEAVY = ["fpdf", "fontTools", "pypinyin", "jwt", "openpyxl"]

PROBE = """
import json, sys
import django
django.setup()
from django.test import Client
import config.urls  # every view module, as a worker has them once it has answered
for path in ("/", "/academy/", "/heritage/", "/contests/", "/accounts/login/"):
    Client(raise_request_exception=False).get(path)
print(json.dumps(sorted(name for name in %r if name in sys.modules)))
"""


def test_serving_pages_loads_no_pdf_pinyin_or_signing_library(tmp_path):
    completed = subprocess.run(  # noqa: S603 - our own interpreter on our own code
        [sys.executable, "-c", PROBE % HEAVY],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3",
            "CELERY_BROKER_URL": "",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == []
