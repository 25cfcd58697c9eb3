"""The section suites' fixtures, reused: the same small worlds, seen through real clients."""

from tests.academy.conftest import _fresh_cache, manager, other_pairing, pairing  # noqa: F401
from tests.contests.conftest import contest, index, organizer  # noqa: F401
from tests.heritage.conftest import world  # noqa: F401
