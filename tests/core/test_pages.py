from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from academy.models import AcademyPage
from contests.models import ContestIndexPage
from core.models import HomePage
from heritage.models import ProgrammePage


class PageTreeTests(WagtailPageTestCase):
    def test_home_page_sits_under_the_root_only(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)

    def test_sections_sit_under_the_home_page(self):
        for section in (AcademyPage, ContestIndexPage, ProgrammePage):
            self.assertCanCreateAt(HomePage, section)
            self.assertCanNotCreateAt(Page, section)
            self.assertCanNotCreateAt(section, HomePage)

    def test_each_section_only_once(self):
        for section in (AcademyPage, ContestIndexPage, ProgrammePage):
            self.assertEqual(section.max_count, 1)
