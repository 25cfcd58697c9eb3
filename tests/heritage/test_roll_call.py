"""The roll-call screen: compact rows, photo consent, the summary after saving, the history."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def roll_url(world):
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
