"""The roll-call screen: compact rows, photo consent, the summary after saving, the history."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def roll_url(world, language="en"):
    with translation.override(language):
        return reverse("heritage:roll_call", args=[world.session.pk])


def marks(children, **by_index):
    """Posted marks: everyone present, then (status, reason) for the children by index."""
    data = {f"status_{c.pk}": "present" for c in children}
    for index, (status, reason) in by_index.items():
        child = children[int(index.removeprefix("c"))]
        data[f"status_{child.pk}"] = status
        data[f"reason_{child.pk}"] = reason
    return data


@pytest.mark.parametrize("who", ["teacher", "craftsman"])
def test_photo_consent_is_shown_to_teacher_and_craftsman(client, world, who):
    shy = world.children[1]
    shy.photo_consent = False
    shy.save()
    client.force_login(getattr(world, who))
    html = client.get(roll_url(world)).content.decode()
    assert "Class photo: 1 of 5 child without photo consent" in html
    names = html.split('class="photo-consent__names"')[1].split("</ul>")[0]
    assert shy.display_name in names
    assert world.children[0].display_name not in names
    assert html.count('class="no-photo"') == 1


def test_every_child_with_consent_is_said_so(client, world):
    client.force_login(world.teacher)
    html = client.get(roll_url(world)).content.decode()
    assert "Class photo: all 5 children have photo consent" in html
    assert 'class="no-photo"' not in html


def test_roll_call_page_has_a_name_filter_and_segmented_radio_buttons(client, world):
    client.force_login(world.teacher)
    html = client.get(roll_url(world)).content.decode()
    assert 'type="search"' in html and "data-roll-filter" in html
    assert html.count('type="radio"') == 4 * len(world.children)
    assert "<script>" not in html  # the content security policy forbids inline scripts
    for child in world.children:
        assert f'data-name="{child.display_name}"' in html


def test_after_saving_a_summary_names_who_was_absent_or_late_with_reasons(client, world):
    client.force_login(world.teacher)
    c = world.children
    data = marks(c, c0=("absent", "发烧"), c2=("late", "堵车"), c3=("absent", ""))
    response = client.post(roll_url(world), data, follow=True)
    assert response.status_code == 200
    notes = [str(m) for m in response.context["messages"]]
    assert notes[0] == "The roll call is saved."
    assert notes[1] == (
        f"Absent: {c[0].display_name} (发烧), {c[3].display_name}. "
        f"Late: {c[2].display_name} (堵车)."
    )
    html = response.content.decode()
    block = html.split("data-exceptions")[1].split("</dl>")[0]
    assert f'{c[0].display_name} <span class="muted">· 发烧</span>' in block
    assert c[1].display_name not in block and c[4].display_name not in block
    assert "Absent (2)" in block and "Late (1)" in block


def test_a_roll_call_with_everyone_present_says_so_and_warns_of_nobody(client, world):
    client.force_login(world.teacher)
    response = client.post(roll_url(world), marks(world.children), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["The roll call is saved."]
    assert "Every child was present." in response.content.decode()


def test_the_summary_reads_as_chinese_in_chinese(client, world):
    client.force_login(world.teacher)
    c = world.children
    data = marks(c, c0=("absent", "发烧"), c1=("absent", ""), c2=("excused", "回老家"))
    response = client.post(roll_url(world, "zh-hans"), data, follow=True)
    notes = [str(m) for m in response.context["messages"]]
    assert notes[1] == (
        f"缺勤：{c[0].display_name}（发烧）、{c[1].display_name}。"
        f"请假：{c[2].display_name}（回老家）。"
    )
