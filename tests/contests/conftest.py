import pytest

from contests.models import ContestIndexPage
from tests.factories import UserFactory
from tests.factories.contests import make_contest


@pytest.fixture
def index(site_tree):
    return ContestIndexPage.objects.get()


@pytest.fixture
def organizer(db):
    return UserFactory(username="org1", role="organizer")


@pytest.fixture
def contest(index, organizer):
    return make_contest(index, organizers=[organizer])
