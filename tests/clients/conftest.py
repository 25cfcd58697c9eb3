"""The section suites' fixtures, reused: the same small worlds, seen through real clients;
and the whole demo, seeded once per module."""

import io
import os

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.academy.conftest import _fresh_cache, manager, other_pairing, pairing  # noqa: F401
from tests.contests.conftest import contest, index, organizer  # noqa: F401
from tests.heritage.conftest import world  # noqa: F401


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo (logins with password "demo"), seeded once for this module.

    Everything runs inside one transaction that is rolled back at the end; each test runs in
    a savepoint inside it, so tests see the demo but not one another's changes.
    """
    old = os.environ.get("DEMO_PASSWORD")
    os.environ["DEMO_PASSWORD"] = "demo"
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            if old is None:
                os.environ.pop("DEMO_PASSWORD", None)
            else:
                os.environ["DEMO_PASSWORD"] = old
