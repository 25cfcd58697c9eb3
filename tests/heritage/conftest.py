"""A small programme: two kindergartens (one per demo-like teacher), a craft with lessons."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import UserFactory
from tests.factories.heritage import (
    ChildFactory,
    ClassGroupFactory,
    KindergartenFactory,
    SeasonFactory,
    SessionFactory,
    at,
    make_craft,
    make_lesson,
)


@dataclass
class World:
    programme: object
    craft: object
    lesson: object
    craftsman: object
    teacher: object
    teacher2: object
    manager: object
    kg: object
    kg2: object
    class_group: object
    class_group2: object
    children: list
    session: object
    season: object


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Anonymous pages are cached by path; every test builds its own data under the same paths."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(site_tree):
    programme = site_tree.sections["heritage.ProgrammePage"]
    craftsman = UserFactory(username="craftsman", first_name="应师傅", role="craftsman")
    teacher = UserFactory(username="teacher", first_name="沈老师", role="teacher")
    teacher2 = UserFactory(username="teacher2", first_name="顾老师", role="teacher")
    manager = UserFactory(username="manager", first_name="陆经理", role="manager")
    craft = make_craft(programme, craftsman=craftsman)
    lesson = make_lesson(craft, tags=["扎染", "大班"])
    kg = KindergartenFactory(name="桃源幼儿园", short_name="桃源幼", teachers=[teacher])
    kg2 = KindergartenFactory(name="明珠幼儿园", short_name="明珠幼", teachers=[teacher2])
    class_group = ClassGroupFactory(kindergarten=kg, name="大一班", teacher=teacher)
    class_group2 = ClassGroupFactory(kindergarten=kg2, name="大一班", teacher=teacher2)
    children = ChildFactory.create_batch(5, class_group=class_group)
    ChildFactory.create_batch(3, class_group=class_group2, display_name="明珠孩子")
    today = timezone.localdate()
    season = SeasonFactory(
        starts_on=today - datetime.timedelta(days=60), ends_on=today + datetime.timedelta(days=60)
    )
    session = SessionFactory(
        lesson=lesson,
        class_group=class_group,
        teacher=teacher,
        starts_at=at(today, 9),
        season=season,
    )
    return World(
        programme,
        craft,
        lesson,
        craftsman,
        teacher,
        teacher2,
        manager,
        kg,
        kg2,
        class_group,
        class_group2,
        children,
        session,
        season,
    )
