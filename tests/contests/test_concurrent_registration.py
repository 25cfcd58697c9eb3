"""50 people register for one event at the same moment: every one gets a number of their own.

Each thread is a separate visitor (own address, own database connection) posting the public
form through the whole stack. Before numbering was serialised per event, 17 of 50 were refused
"please try again". The threads need a database that lets writers wait for each other:
PostgreSQL (CI runs the suite on it; locally set DATABASE_URL=postgres://...). SQLite's test
database is an in-memory database shared between connections, whose table locks fail at once
instead of waiting, so the threaded test is skipped there; the numbering logic itself is
covered below on any database.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from contests.models import Entrant
from contests.services.entrants import register
from core.refusals import Refused
from tests.factories.contests import EntrantFactory, EventFactory

PEOPLE = 50


@pytest.fixture(scope="module")
def _database_left_as_found(django_db_setup, django_db_blocker):
    """A transactional test ends by emptying every table, the rows the migrations made (the
    page tree's root, the roles) included. Put them back once the test is done, so that later
    runs reusing the test database (--reuse-db) still find them."""
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)


def _post_at_once(url, event):
    barrier = threading.Barrier(PEOPLE)
    statuses, failures = [None] * PEOPLE, []

    def person(number):
        try:
            client = Client(REMOTE_ADDR=f"10.20.{number // 200}.{number % 200 + 1}")
            data = {
                "event": event.pk,
                "name": f"选手{number:02d}",
                "unit": f"奉化第{number}服饰厂",
                "phone": f"138{number:08d}",
            }
            barrier.wait(timeout=60)
            statuses[number] = client.post(url, data).status_code
        except Exception as error:  # reported below, with the thread's number
            failures.append(f"{number}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=person, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses, failures


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("_database_left_as_found")
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared in-memory test database cannot hold waiting writers; CI runs it "
    "on PostgreSQL",
)
def test_fifty_simultaneous_registrations_all_succeed_with_distinct_numbers(contest):
    event = EventFactory(contest=contest, name="女装裁剪")
    statuses, failures = _post_at_once(contest.url + "register/", event)
    assert not failures, failures
    assert statuses == [302] * PEOPLE
    bibs = sorted(event.entrants.values_list("bib", flat=True))
    assert bibs == [f"{n:03d}" for n in range(1, PEOPLE + 1)]


@pytest.mark.django_db
def test_a_number_taken_behind_its_back_is_retried(contest, monkeypatch):
    """A number another path took without locking (say, typed by staff) is skipped."""
    from contests.services import entrants

    event = EventFactory(contest=contest, name="女装裁剪")
    EntrantFactory(event=event, bib="001", name="甲")
    stale = iter(["001", "001"])  # twice the number just taken, then the truth
    real = entrants.next_bib
    monkeypatch.setattr(entrants, "next_bib", lambda e: next(stale, None) or real(e))
    entrant = register(event, name="乙", unit="某厂", phone="13800000001")
    assert entrant.bib == "002"
    assert Entrant.objects.filter(event=event).count() == 2


@pytest.mark.django_db
def test_the_same_person_registering_twice_at_once_is_told_so(contest):
    event = EventFactory(contest=contest, name="女装裁剪")
    register(event, name="张三", unit="某厂", phone="13800000001")
    with pytest.raises(Refused, match="已经报名"):
        register(event, name=" 张三 ", unit="某厂", phone="13800000002")
    assert event.entrants.count() == 1
