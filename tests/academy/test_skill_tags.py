import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from taggit.forms import TagField
from taggit.models import Tag

from academy.models import LogEntry
from academy.services.progress import skills_series
from tests.factories.academy import LogEntryFactory

pytestmark = pytest.mark.django_db

YESTERDAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    "typed",
    [
        "打版，验片，推版",
        "打版、验片、推版",
        "打版；验片;推版",
        "打版, 验片,推版",
        "打版\n验片\n推版",
    ],
)
def test_skills_typed_the_chinese_way_are_saved_as_separate_skills(client, pairing, typed):
    client.force_login(pairing.mentor)
    response = client.post(
        reverse("academy:entry_create", args=[pairing.pk]),
        {"date": YESTERDAY, "hours": "2", "skills": typed},
    )
    assert response.status_code == 302
    assert sorted(LogEntry.objects.get(pairing=pairing).skills.names()) == ["打版", "推版", "验片"]


def test_the_skills_chart_counts_each_skill_on_its_own(client, pairing):
    client.force_login(pairing.mentor)
    for typed in ("打版，验片", "打版、推版"):
        client.post(
            reverse("academy:entry_create", args=[pairing.pk]),
            {"date": YESTERDAY, "hours": "1", "skills": typed},
        )
    series = skills_series(pairing)
    assert dict(zip(series["labels"], series["counts"], strict=True)) == {
        "打版": 2,
        "推版": 1,
        "验片": 1,
    }


def test_every_tag_field_splits_on_chinese_separators():
    """Lesson tags and studio trades in the admin use the same field."""
    assert TagField().clean("扎染、蓝印花布，剪纸") == ["剪纸", "扎染", "蓝印花布"]
    assert TagField().clean("木雕 竹编") == ["木雕", "竹编"]


def test_the_form_offers_the_trades_competencies_and_skills_used_before(client, pairing):
    LogEntryFactory(pairing=pairing).skills.add("锁边")
    client.force_login(pairing.mentor)
    response = client.get(reverse("academy:entry_create", args=[pairing.pk]))
    html = response.content.decode()
    for competency in pairing.competencies.all():
        assert f'data-skill="{competency.name}"' in html
    assert 'data-skill="锁边"' in html
    assert "、" in str(response.context["form"]["skills"].help_text)


def test_skills_saved_joined_before_are_split_by_the_migration(pairing):
    entry = LogEntryFactory(pairing=pairing)
    entry.skills.add("打版，验片、推版", "打版")
    migration = importlib.import_module("academy.migrations.0006_split_typed_skills")
    migration.split_joined_tags(apps, None)
    assert sorted(entry.skills.names()) == ["打版", "推版", "验片"]
    assert not Tag.objects.filter(name__contains="，").exists()
