"""The pairing form in the admin: people by name, competencies under their trade, a trade
chooser that searches, and the trade rule kept."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.models import Pairing
from tests.factories import UserFactory
from tests.factories.academy import CompetencyFactory, TradeFactory

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_academy_pairing:add"


@pytest.fixture
def people(db):
    return {
        "mentor": UserFactory(username="lixiuying", first_name="李秀英", role="mentor"),
        "twin1": UserFactory(username="wangjg1", first_name="王建国", role="mentor"),
        "twin2": UserFactory(username="wangjg2", first_name="王建国", role="mentor"),
        "apprentice": UserFactory(username="zhouxiao", first_name="周晓", role="apprentice"),
    }


@pytest.fixture
def trades(db):
    """Two trades that both have a competency called 选材备料."""
    tailoring = TradeFactory(name="服装制版", slug="tailoring")
    carving = TradeFactory(name="木雕", slug="carving")
    return {
        "tailoring": tailoring,
        "carving": carving,
        "cut": CompetencyFactory(trade=tailoring, name="选材备料"),
        "grade": CompetencyFactory(trade=tailoring, name="推版"),
        "wood": CompetencyFactory(trade=carving, name="选材备料"),
    }


def _data(people, trades, **changes):
    data = {
        "mentor": people["mentor"].pk,
        "apprentice": people["apprentice"].pk,
        "trade": trades["tailoring"].pk,
        "start": timezone.localdate().isoformat(),
        "planned_end": (timezone.localdate() + datetime.timedelta(days=300)).isoformat(),
        "target_hours": "200",
        "target_level": "4",
        "competencies": [trades["cut"].pk, trades["grade"].pk],
        "status": "active",
        "break_reason": "",
        "goals": "",
    }
    data.update(changes)
    return data


def _options(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_add_form_names_people_and_groups_competencies_by_trade(
    client, manager, people, trades
):
    client.force_login(manager)
    response = client.get(reverse(ADD))
    assert response.status_code == 200
    html = response.content.decode()
    mentors = _options(html, "mentor")
    assert "李秀英" in mentors  # a unique name: no login
    assert "王建国 (wangjg1)" in mentors and "王建国 (wangjg2)" in mentors  # namesakes told apart
    assert "lixiuying" not in " ".join(mentors)
    assert "周晓" in _options(html, "apprentice")
    groups = dict(
        re.findall(
            r'<fieldset class="competencies-by-trade__trade"[^>]*>\s*<legend[^>]*>([^<]+)</legend>'
            r"(.*?)</fieldset>",
            html,
            re.S,
        )
    )
    assert set(groups) == {"木雕", "服装制版"}
    assert f'value="{trades["wood"].pk}"' in groups["木雕"]
    assert f'value="{trades["cut"].pk}"' in groups["服装制版"]
    assert f'value="{trades["grade"].pk}"' in groups["服装制版"]
    assert 'data-chooser-url="/admin/snippets/choose/academy/trade/"' in html


def test_saving_the_form_creates_the_pairing(client, manager, people, trades):
    client.force_login(manager)
    response = client.post(reverse(ADD), _data(people, trades))
    assert response.status_code == 302
    pairing = Pairing.objects.get()
    assert (pairing.mentor, pairing.apprentice, pairing.trade) == (
        people["mentor"],
        people["apprentice"],
        trades["tailoring"],
    )
    assert set(pairing.competencies.all()) == {trades["cut"], trades["grade"]}


def test_a_competency_of_another_trade_is_refused(client, manager, people, trades):
    client.force_login(manager)
    response = client.post(
        reverse(ADD), _data(people, trades, competencies=[trades["cut"].pk, trades["wood"].pk])
    )
    assert response.status_code == 200
    assert "以下能力项属于其他工种：选材备料" in response.content.decode()
    assert not Pairing.objects.exists()


def test_the_trade_chooser_finds_a_trade_by_part_of_its_name(client, manager, trades):
    client.force_login(manager)
    url = "/admin/snippets/choose/academy/trade/results/"
    found = client.get(url, {"q": "制版"}).content.decode()
    assert "服装制版" in found and "木雕" not in found
    modal = client.get("/admin/snippets/choose/academy/trade/")
    assert 'name="q"' in json.loads(modal.content)["html"]


def test_the_add_form_is_for_managers_only(client, people, trades):
    client.force_login(people["mentor"])
    response = client.get(reverse(ADD))
    assert response.status_code in (302, 403)
    assert client.post(reverse(ADD), _data(people, trades)).status_code in (302, 403)
    assert not Pairing.objects.exists()
