import pytest
from wagtail.models import ModelLogEntry

from contests.models import Score, Sheet
from tests.contests.helpers import fill, ready_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sheet_url(sheet):
    return f"/app/contests/judging/sheet/{sheet.pk}/"


def cells(event, value_for):
    data = {}
    for entrant in event.entrants.all():
        for criterion in event.criteria.all():
            data[f"s-{entrant.pk}-{criterion.pk}"] = value_for(entrant, criterion)
    return data


def test_judge_saves_a_draft_then_submits_which_locks(client, contest):
    event, sheets = ready_event(contest)
    sheet = sheets[0]
    client.force_login(sheet.judge)
    page = client.get(sheet_url(sheet))
    assert page.status_code == 200 and "选手1" in page.content.decode()
    data = cells(event, lambda e, c: "88.5")
    response = client.post(sheet_url(sheet), {**data, "action": "draft"})
    assert response.status_code == 302
    assert Score.objects.filter(sheet=sheet).count() == 6
    response = client.post(sheet_url(sheet), {**data, "action": "submit"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.is_submitted
    response = client.post(sheet_url(sheet), {**cells(event, lambda e, c: "10"), "action": "draft"})
    assert response.status_code == 400
    assert "已提交" in response.content.decode()
    assert set(Score.objects.filter(sheet=sheet).values_list("points", flat=True)) == {88.5}


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "不能低于 0"), ("100.5", "满分"), ("abc", "不是数字"), ("8.123", "2 位小数")],
)
def test_bad_scores_are_refused_and_nothing_is_saved(client, contest, value, message):
    event, sheets = ready_event(contest)
    client.force_login(sheets[0].judge)
    first = event.entrants.first()
    data = cells(event, lambda e, c: value if e == first else "50")
    response = client.post(sheet_url(sheets[0]), {**data, "action": "draft"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Score.objects.count() == 0


def test_submitting_an_incomplete_sheet_is_refused(client, contest):
    event, sheets = ready_event(contest)
    client.force_login(sheets[0].judge)
    response = client.post(sheet_url(sheets[0]), {"action": "submit"})
    assert response.status_code == 400
    assert not Sheet.objects.get(pk=sheets[0].pk).is_submitted


def test_other_judge_and_unassigned_users_get_404(client, contest):
    event, sheets = ready_event(contest)
    client.force_login(sheets[1].judge)
    assert client.get(sheet_url(sheets[0])).status_code == 404
    assert client.post(sheet_url(sheets[0]), {"action": "draft"}).status_code == 404
    client.force_login(UserFactory(username="outsider", role="judge"))
    assert client.get(sheet_url(sheets[0])).status_code == 404
    assert client.get("/app/contests/judging/").status_code == 200
    client.force_login(UserFactory(username="teacher-x", role="teacher"))
    assert client.get("/app/contests/judging/").status_code == 403


def test_organizer_unlocks_with_a_reason_and_it_is_logged(client, contest, organizer):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    Sheet.objects.filter(pk=sheets[0].pk).update(submitted_at="2024-05-01T10:00:00Z")
    client.force_login(organizer)
    url = f"/app/contests/manage/event/{event.pk}/sheets/{sheets[0].pk}/unlock/"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert Sheet.objects.get(pk=sheets[0].pk).is_submitted
    assert client.post(url, {"reason": "评委录入错误"}).status_code == 302
    assert not Sheet.objects.get(pk=sheets[0].pk).is_submitted
    entry = ModelLogEntry.objects.get(action="contests.unlock_sheet")
    assert entry.data["reason"] == "评委录入错误"
    assert entry.user == organizer


def test_deviation_flag_shows_on_the_event_page(client, contest, organizer):
    event, sheets = ready_event(contest, entrants=1)
    fill(event, sheets)
    Score.objects.filter(sheet=sheets[2], criterion__name="实操").update(points=40)
    client.force_login(organizer)
    html = client.get(f"/app/contests/manage/event/{event.pk}/").content.decode()
    assert "⚑ " + (sheets[2].judge.get_full_name()) in html


def test_judges_form_refuses_fewer_than_three_for_trimmed(client, contest, organizer):
    event, _sheets = ready_event(contest, judges=0)
    client.force_login(organizer)
    judges = [UserFactory(username=f"jj{i}", role="judge") for i in range(2)]
    response = client.post(
        f"/app/contests/manage/event/{event.pk}/judges/", {"judges": [j.pk for j in judges]}
    )
    assert response.status_code == 400
    assert event.sheets.count() == 0
    judges.append(UserFactory(username="jj3", role="judge"))
    response = client.post(
        f"/app/contests/manage/event/{event.pk}/judges/", {"judges": [j.pk for j in judges]}
    )
    assert response.status_code == 302
    assert event.sheets.count() == 3


def test_sheet_page_query_count_does_not_grow(client, contest, django_assert_max_num_queries):
    small, small_sheets = ready_event(contest, entrants=2, name="A")
    big, big_sheets = ready_event(contest, entrants=40, name="B")
    fill(small, small_sheets)
    fill(big, big_sheets)
    Sheet.objects.update(submitted_at=None)
    client.force_login(small_sheets[0].judge)
    client.get(sheet_url(small_sheets[0]))  # warm the per-process caches (site, content types)
    with django_assert_max_num_queries(18) as small_ctx:
        client.get(sheet_url(small_sheets[0]))
    client.force_login(big_sheets[0].judge)
    with django_assert_max_num_queries(18) as big_ctx:
        client.get(sheet_url(big_sheets[0]))
    data = cells(big, lambda e, c: "60")
    assert len(small_ctx.captured_queries) == len(big_ctx.captured_queries)
    with django_assert_max_num_queries(16):
        response = client.post(sheet_url(big_sheets[0]), {**data, "action": "draft"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("raw", "expected"), [("8.5", "8.50"), ("60.000", "60.00"), (" 7，25 ", "7.25"), ("0", "0.00")]
)
def test_scores_are_read_as_judges_type_them(raw, expected):
    from decimal import Decimal

    from contests.models import Criterion
    from contests.services.scoring import parse_score

    assert parse_score(raw, Criterion(name="实操", maximum=Decimal("100"))) == Decimal(expected)


@pytest.mark.parametrize("raw", ["1e30", "NaN", "inf", "8.123", "-0.01", "100.01", ""])
def test_odd_scores_are_refused_without_crashing(raw):
    from decimal import Decimal

    from contests.models import Criterion
    from contests.services.scoring import parse_score
    from core.refusals import Refused

    with pytest.raises(Refused):
        parse_score(raw, Criterion(name="实操", maximum=Decimal("100")))


@pytest.mark.parametrize(("rule", "flagged"), [("trimmed", 1), ("mean", 5)])
def test_one_harsh_judge_is_flagged_alone_under_the_trimmed_rule(contest, rule, flagged):
    """The reference is the mean the event ranks by: with the trimmed rule one harsh score
    does not pull it down and get the whole panel flagged."""
    from decimal import Decimal

    from contests.services.scoring import deviations

    event, sheets = ready_event(contest, entrants=1, judges=5, rule=rule)
    event.deviation_threshold = Decimal("5")
    event.save()
    fill(event, sheets)  # judges score 80, 81, 82, 83, 84
    Score.objects.filter(sheet=sheets[4], criterion__name="实操").update(points=40)
    flags = list(deviations(event))
    assert len(flags) == flagged
    assert flags[0].sheet == sheets[4]
    assert round(flags[0].panel_mean, 2) == (81.0 if rule == "trimmed" else 73.2)
