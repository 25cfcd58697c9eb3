from wagtail.test.utils import WagtailPageTestCase

from contests.models import ContestIndexPage, ContestPage, ResultsPage
from core.models import HomePage


class ContestTreeTests(WagtailPageTestCase):
    def test_contests_sit_under_the_index_and_results_under_contests(self):
        self.assertCanCreateAt(ContestIndexPage, ContestPage)
        self.assertCanCreateAt(ContestPage, ResultsPage)
        # ...but only by publishing an event's results, never from "add child page".
        self.assertFalse(ResultsPage.is_creatable)
        self.assertCanNotCreateAt(HomePage, ContestPage)
        self.assertCanNotCreateAt(ContestIndexPage, ResultsPage)
        self.assertCanNotCreateAt(ResultsPage, ContestPage)
