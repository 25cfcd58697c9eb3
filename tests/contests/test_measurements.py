"""Measurement criteria: entered once per entrant by the designated judge or an organizer,
scored by the scheme's tolerance bands (or taken as the score), never averaged across judges,
and ranked exactly beside the judges' criteria."""

from decimal import Decimal

import pytest
from django.test import Client
from wagtail.models import ModelLogEntry

from contests.models import Criterion, Measurement, ResultsPage, Score
from contests.services.measuring import band_points, parse_bands
from contests.services.ranking import compute_standings
from core.refusals import Refused
from tests.contests.helpers import csv_file, fill, ready_event
from tests.factories import UserFactory
from tests.factories.contests import CriterionFactory

pytestmark = pytest.mark.django_db


def measured_event(contest, entrants=3, bands="0.1=20, 0.3=15, 0.5=10"):
    """The helpers' event (实操 ×0.7, 理论 ×0.3, judged) plus 尺寸精度, measured against
    25.000 mm with bands, weight 1, tie-break 2; its first judge enters it."""
    event, sheets = ready_event(contest, entrants=entrants)
    criterion = CriterionFactory(
        event=event,
        name="尺寸精度",
        maximum=Decimal("20"),
        weight=Decimal("1"),
        kind=Criterion.Kind.MEASUREMENT,
        target=Decimal("25.000"),
        unit="mm",
        bands=parse_bands(bands, Decimal("20")),
        tie_break=2,
        measured_by=sheets[0].judge,
    )
    for position, name in enumerate(["实操", "理论", "尺寸精度"]):
        event.criteria.filter(name=name).update(position=position)
    return event, sheets, criterion


def page_url(event):
    return f"/app/contests/measure/event/{event.pk}/"


def as_user(user):
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def cells(event, criterion, values):
    """The form data entering ``values`` ({bib: text}) for ``criterion``."""
    return {
        f"m-{event.entrants.get(bib=bib).pk}-{criterion.pk}": value for bib, value in values.items()
    }


def test_bands_score_the_distance_from_the_target_exactly():
    criterion = Criterion(
        kind=Criterion.Kind.MEASUREMENT,
        maximum=Decimal("20"),
        target=Decimal("25.000"),
        bands=parse_bands("0.5：10；0.1=20, 0.3=15"),  # any order, Chinese punctuation
    )
    assert criterion.bands == [["0.1", "20.00"], ["0.3", "15.00"], ["0.5", "10.00"]]
    assert band_points(criterion, Decimal("25.1")) == Decimal("20.00")  # on the edge: inside
    assert band_points(criterion, Decimal("24.7")) == Decimal("15.00")  # 0.3 off, not 0.30000004
    assert band_points(criterion, Decimal("25.301")) == Decimal("10.00")
    assert band_points(criterion, Decimal("25.501")) == Decimal("0.00")
    without = Criterion(kind=Criterion.Kind.MEASUREMENT, maximum=Decimal("100"), bands=[])
    assert band_points(without, Decimal("86.5")) == Decimal("86.50")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0.5", "不是有效的分档"),
        ("0.5=30", "超过该评分项满分"),
        ("0.5=10, 0.5=8", "有两档的偏差都是"),
        ("-1=10", "不小于 0"),
    ],
)
def test_bad_bands_are_refused_with_a_reason(text, message):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(Refused) as refused:
        parse_bands(text, Decimal("20"))
    assert message in str(refused.value)


def test_the_designated_judge_enters_each_value_once_and_reads_its_points(contest):
    event, sheets, criterion = measured_event(contest)
    judge = as_user(sheets[0].judge)
    page = judge.get(page_url(event))
    html = page.content.decode()
    assert page.status_code == 200
    assert "尺寸精度" in html and "目标 25mm" in html and "±0.1mm → 20.00" in html
    assert "还缺 3 项测量值" in html

    response = judge.post(
        page_url(event), cells(event, criterion, {"001": "25.05", "002": "24,8", "003": "26"})
    )
    assert response.status_code == 302
    saved = dict(
        Measurement.objects.filter(criterion=criterion).values_list("entrant__bib", "points")
    )
    assert saved == {"001": Decimal("20.00"), "002": Decimal("15.00"), "003": Decimal("0.00")}
    html = judge.get(page_url(event)).content.decode()
    assert "测量值已全部录入" in html and "15.00 分" in html
    # The measurement is not on anyone's score sheet.
    sheet = judge.get(f"/app/contests/judging/sheet/{sheets[1].pk}/")
    assert sheet.status_code == 404
    own = judge.get(f"/app/contests/judging/sheet/{sheets[0].pk}/").content.decode()
    assert "尺寸精度" not in own
    sheets_page = judge.get("/app/contests/judging/").content.decode()
    assert "待录入的测量值" in sheets_page and page_url(event) in sheets_page


def test_a_bad_value_saves_nothing_and_says_which(contest):
    event, sheets, criterion = measured_event(contest)
    judge = as_user(sheets[0].judge)
    response = judge.post(
        page_url(event), cells(event, criterion, {"001": "25.05", "002": "abc", "003": "1.2345"})
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "“abc”不是数字" in html and "最多 3 位小数" in html
    assert "2 个数值无效：未保存任何内容" in html
    assert not Measurement.objects.exists()


def test_only_the_designated_judge_and_the_event_organizers_reach_the_page(contest, organizer):
    event, sheets, criterion = measured_event(contest)
    other_judge = as_user(sheets[1].judge)
    assert other_judge.get(page_url(event)).status_code == 404
    assert (
        other_judge.post(page_url(event), cells(event, criterion, {"001": "25"})).status_code == 404
    )
    stranger = as_user(UserFactory(username="org-other", role="organizer"))
    assert stranger.get(page_url(event)).status_code == 404
    assert as_user(organizer).get(page_url(event)).status_code == 200
    assert not Measurement.objects.exists()


def test_the_ranking_takes_one_measurement_not_the_judges_average(contest, organizer):
    event, sheets, criterion = measured_event(contest)
    fill(event, sheets)  # every judge also "scores" 尺寸精度 on paper: ignored
    assert Score.objects.filter(criterion=criterion).exists()
    as_user(organizer).post(
        page_url(event), cells(event, criterion, {"001": "25.4", "002": "25.0", "003": "24.71"})
    )
    standings = {s.bib: s for s in compute_standings(event)}
    # fill(): judge j gives entrant i 80 - 5i + j on every judged criterion; the trimmed mean of
    # three judges is the middle one, 81 - 5i; weights 0.7 + 0.3 = 1, plus the band points.
    assert standings["001"].total == Decimal("81") + Decimal("10")
    assert standings["002"].total == Decimal("76") + Decimal("20")
    assert standings["003"].total == Decimal("71") + Decimal("15")
    assert [standings[b].rank for b in ("002", "001", "003")] == [1, 2, 3]
    assert standings["002"].results[-1] == Decimal("20.00")


def test_a_tie_is_broken_by_the_measurement(contest, organizer):
    event, sheets, criterion = measured_event(contest, entrants=2)
    event.criteria.filter(name="理论").update(weight=Decimal("1"))
    event.criteria.filter(name="实操").update(tie_break=None)
    event.criteria.filter(pk=criterion.pk).update(tie_break=1)
    theory = {"001": Decimal("85"), "002": Decimal("80")}
    for sheet in sheets:
        for entrant in event.entrants.all():
            for judged in event.criteria.judged():
                points = theory[entrant.bib] if judged.name == "理论" else Decimal("80")
                Score.objects.create(sheet=sheet, entrant=entrant, criterion=judged, points=points)
    # 0.7 × 80 + 85 + 15 = 0.7 × 80 + 80 + 20: equal totals, the measurement decides.
    as_user(organizer).post(
        page_url(event), cells(event, criterion, {"001": "25.25", "002": "25.05"})
    )
    standings = compute_standings(event)
    assert [(s.bib, s.rank, s.total) for s in standings] == [
        ("002", 1, Decimal("156.00")),
        ("001", 2, Decimal("156.00")),
    ]
    assert "尺寸精度" in standings[1].tie_note
    assert "20.00" in standings[1].tie_note and "15.00" in standings[1].tie_note


def test_publishing_waits_for_every_measurement(client, contest, organizer):
    event, sheets, criterion = measured_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    html = client.get(f"/app/contests/manage/event/{event.pk}/").content.decode()
    assert "还缺 3 项测量值" in html and page_url(event) in html
    response = client.post(
        f"/app/contests/manage/event/{event.pk}/publish/", {"action": "provisional"}
    )
    assert response.status_code == 400
    assert "还缺 3 项测量值" in response.content.decode()
    assert not ResultsPage.objects.filter(event=event).exists()
    client.post(page_url(event), cells(event, criterion, {"001": "25", "002": "25", "003": "25"}))
    response = client.post(
        f"/app/contests/manage/event/{event.pk}/publish/", {"action": "provisional"}
    )
    assert response.status_code == 302
    page = ResultsPage.objects.get(event=event)
    assert page.criteria == ["实操", "理论", "尺寸精度"]
    assert {row["results"][-1] for row in page.standings} == {"20.00"}


def test_after_publishing_a_change_needs_a_reason_is_logged_and_shows_out_of_date(
    client, contest, organizer
):
    event, sheets, criterion = measured_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    client.post(page_url(event), cells(event, criterion, {"001": "25", "002": "25", "003": "25"}))
    publish = f"/app/contests/manage/event/{event.pk}/publish/"
    assert client.post(publish, {"action": "provisional"}).status_code == 302
    assert client.post(publish, {"action": "notice"}).status_code == 302

    judge = as_user(sheets[0].judge)
    change = cells(event, criterion, {"003": "25.45"})
    refused = judge.post(page_url(event), change)
    assert refused.status_code == 400
    assert "成绩已发布：修改测量值须说明原因" in refused.content.decode()
    assert Measurement.objects.get(entrant__bib="003").points == Decimal("20.00")

    response = judge.post(page_url(event), {**change, "reason": "复测：卡尺未归零"})
    assert response.status_code == 302
    assert Measurement.objects.get(entrant__bib="003").points == Decimal("10.00")
    entry = ModelLogEntry.objects.get(action="contests.change_measurements")
    assert entry.data["reason"] == "复测：卡尺未归零"
    html = judge.get(page_url(event)).content.decode()
    assert "录入后修改的测量值" in html and "25 → 20.00 ⇒ 25.45 → 10.00" in html
    event_page = client.get(f"/app/contests/manage/event/{event.pk}/").content.decode()
    assert "已过时" in event_page


def test_the_scheme_form_saves_bands_and_refuses_bands_without_a_target(client, contest, organizer):
    event, _sheets = ready_event(contest)
    client.force_login(organizer)
    criteria = list(event.criteria.all())
    data = {
        "event-name": event.name,
        "event-rule": event.rule,
        "event-deviation_threshold": "10",
        "event-notice_days": "5",
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "2",
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "1000",
        "tiers-TOTAL_FORMS": "0",
        "tiers-INITIAL_FORMS": "0",
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "1000",
    }
    for i, c in enumerate(criteria):
        data.update(
            {
                f"criteria-{i}-id": c.pk,
                f"criteria-{i}-event": event.pk,
                f"criteria-{i}-name": c.name,
                f"criteria-{i}-maximum": c.maximum,
                f"criteria-{i}-weight": c.weight,
                f"criteria-{i}-kind": c.kind,
                f"criteria-{i}-tie_break": c.tie_break or "",
            }
        )
    data.update(
        {
            "criteria-2-event": event.pk,
            "criteria-2-name": "尺寸精度",
            "criteria-2-maximum": "20",
            "criteria-2-weight": "1",
            "criteria-2-kind": "measurement",
            "criteria-2-bands_text": "0.1=20, 0.3=15",
        }
    )
    url = f"/app/contests/manage/event/{event.pk}/scheme/"
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "公差分档按与目标值的差距计分：请填写目标值" in refused.content.decode()
    assert not event.criteria.filter(name="尺寸精度").exists()
    data.update({"criteria-2-target": "25", "criteria-2-unit": "mm"})
    assert client.post(url, data).status_code == 302
    saved = event.criteria.get(name="尺寸精度")
    assert saved.bands == [["0.1", "20.00"], ["0.3", "15.00"]] and saved.target == Decimal("25")


def test_a_scheme_import_reads_target_and_bands(client, contest, organizer):
    event, _sheets = ready_event(contest)
    client.force_login(organizer)
    url = f"/app/contests/manage/event/{event.pk}/scheme/import/"
    bad = "评分项,满分,类型,目标值,公差分档\n尺寸,20,测量,,0.1=20\n"
    response = client.post(url, {"file": csv_file(bad, "scheme.csv")})
    assert response.status_code == 400 and "没有目标值" in response.content.decode()
    good = (
        "评分项,满分,类型,目标值,单位,公差分档\n"
        "作品,80,评价,,,\n"
        "尺寸,20,测量,25.000,mm,0.1=20；0.3=15\n"
    )
    assert client.post(url, {"file": csv_file(good, "scheme.csv")}).status_code == 302
    measured = event.criteria.get(name="尺寸")
    assert measured.is_measured and measured.unit == "mm"
    assert measured.bands == [["0.1", "20.00"], ["0.3", "15.00"]]


def test_on_a_blind_event_the_measuring_judge_reads_codes_only(client, contest, organizer):
    from tests.contests.test_blind_codes import assert_blind, blind_event, codes_of, draw

    event, sheets = blind_event(contest)
    criterion = CriterionFactory(
        event=event,
        name="尺寸精度",
        maximum=Decimal("20"),
        kind=Criterion.Kind.MEASUREMENT,
        target=Decimal("25"),
        bands=[["0.1", "20.00"]],
        measured_by=sheets[0].judge,
    )
    judge = as_user(sheets[0].judge)
    waiting = judge.get(page_url(event))
    assert waiting.status_code == 200 and "组织者抽签后才能录入测量值" in waiting.content.decode()
    client.force_login(organizer)
    assert draw(client, event).status_code == 302
    page = judge.get(page_url(event))
    assert_blind(page.content, event)
    codes = codes_of(event)
    for code in codes.values():
        assert code in page.content.decode()
    first = next(iter(codes))
    response = judge.post(page_url(event), {f"m-{codes[first]}-{criterion.pk}": "25.05"})
    assert response.status_code == 302
    assert Measurement.objects.get(entrant_id=first).points == Decimal("20.00")
    # A field named by an entrant's id instead of the code is not one of the page's cells.
    judge.post(page_url(event), {f"m-{first}-{criterion.pk}": "30"})
    assert Measurement.objects.get(entrant_id=first).value == Decimal("25.05")
