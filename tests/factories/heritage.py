"""Factories of the heritage programme: a small world of crafts, classes and sessions."""

import datetime

import factory
from django.utils import timezone

from heritage.models import (
    AgeBand,
    Child,
    ClassGroup,
    CraftPage,
    Kindergarten,
    LessonPage,
    Season,
    Session,
)
from tests.factories import UserFactory

__all__ = [
    "KindergartenFactory",
    "ClassGroupFactory",
    "ChildFactory",
    "SeasonFactory",
    "SessionFactory",
    "make_craft",
    "make_lesson",
    "at",
]


def at(day, hour, minute=0):
    """An aware datetime in Asia/Shanghai."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class KindergartenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kindergarten
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试第{n}幼儿园")
    short_name = factory.Sequence(lambda n: f"测{n}幼")

    @factory.post_generation
    def teachers(self, create, extracted, **kwargs):
        if create and extracted:
            self.teachers.add(*extracted)


class ClassGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassGroup

    kindergarten = factory.SubFactory(KindergartenFactory)
    name = factory.Sequence(lambda n: f"大{n}班")
    age_band = AgeBand.LARGE
    room = factory.LazyAttribute(lambda o: f"{o.name}教室")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    class_group = factory.SubFactory(ClassGroupFactory)
    display_name = factory.Sequence(lambda n: f"小朋友{n:03d}")
    photo_consent = True


class SeasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Season

    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"第{n + 1}季")
    starts_on = datetime.date(2025, 9, 1)
    ends_on = datetime.date(2026, 1, 31)
    rounds = 3


def make_craft(programme, title="蓝印扎染", craftsman=None, **kwargs):
    craftsman = craftsman or UserFactory(role="craftsman")
    return programme.add_child(
        instance=CraftPage(
            title=title,
            slug=kwargs.pop("slug", None) or f"craft-{CraftPage.objects.count() + 1}",
            short_name=kwargs.pop("short_name", title[:2]),
            category=CraftPage.Category.CRAFTSMANSHIP,
            level=CraftPage.Level.MUNICIPAL,
            craftsman=craftsman,
            **kwargs,
        )
    )


def make_lesson(craft, title="扎染初体验", age_band=AgeBand.LARGE, tags=(), **kwargs):
    lesson = LessonPage(
        title=title,
        slug=kwargs.pop("slug", None) or f"lesson-{LessonPage.objects.count() + 1}",
        age_band=age_band,
        duration_minutes=40,
        goals="<p>认识扎染</p>",
        materials="白布\n夹子\n染料",
        safety_notes="染料不入口",
        steps=[("step", {"title": "折布", "text": "<p>把布折好</p>", "tip": ""})],
        **kwargs,
    )
    for tag in tags:
        lesson.tags.add(tag)
    return craft.add_child(instance=lesson)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    lesson = None
    craft = factory.LazyAttribute(lambda o: o.lesson.get_parent().specific)
    class_group = factory.SubFactory(ClassGroupFactory)
    craftsman = factory.LazyAttribute(lambda o: o.craft.craftsman)
    teacher = factory.SubFactory(UserFactory, role="teacher")
    starts_at = factory.LazyFunction(lambda: at(timezone.localdate(), 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=40))
    place = factory.LazyAttribute(lambda o: o.class_group.room)
