"""Blind judging that is blind: secret codes drawn by lot, judges who see only the codes, and
the sealed code → entrant table whose every opening is recorded."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from contests.models import Entrant, EntrantCode, Score
from contests.services.publishing import publish_provisional
from tests.contests.helpers import csv_file, fill, ready_event
from tests.crawler import Crawler
from tests.factories import UserFactory
from tests.factories.contests import EntrantFactory, make_contest

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}
CODE = re.compile(r"^[A-HJ-NP-Z]\d\d$")


def blind_event(contest, entrants=3, judges=3):
    """A blind event whose entrants have numbers, names and units no judge may read."""
    event, sheets = ready_event(contest, entrants=entrants, judges=judges)
    event.hide_names = True
    event.save()
    for i, entrant in enumerate(event.entrants.order_by("bib"), start=1):
        entrant.bib = f"NB{7300 + i}"
        entrant.name = f"盲评选手{i}号"
        entrant.unit = f"盲评单位{i}厂"
        entrant.save()
    return event, sheets


def secrets_of(event):
    """Every byte string that would tell a judge who an entrant is."""
    found = []
    for entrant in event.entrants.all():
        found += [entrant.bib, entrant.name, entrant.unit, f"s-{entrant.pk}-"]
    return [text.encode() for text in found]


def assert_blind(content, event):
    leaked = [text.decode() for text in secrets_of(event) if text in content]
    assert not leaked, leaked


def draw(client, event, which="all"):
    return client.post(reverse("contests:draw_codes", args=[event.pk]), {"which": which})


def codes_of(event):
    return dict(EntrantCode.objects.filter(event=event).values_list("entrant_id", "code"))


def sheet_url(sheet):
    return reverse("contests:sheet", args=[sheet.pk])


def table_url(event):
    return reverse("contests:codes", args=[event.pk])


def coded_cells(event, value):
    return {
        f"s-{code}-{criterion.pk}": value
        for code in codes_of(event).values()
        for criterion in event.criteria.all()
    }


# Drawing


def test_the_organizer_draws_one_unique_code_per_competing_entrant(client, contest, organizer):
    event, _sheets = blind_event(contest, entrants=20)
    absent = event.entrants.order_by("bib").last()
    absent.status = Entrant.Status.ABSENT
    absent.save()
    client.force_login(organizer)
    page = client.get(reverse("contests:event", args=[event.pk])).content.decode()
    assert "抽签号（盲评）" in page and "还没有抽签" in page
    response = draw(client, event)
    assert response.status_code == 302 and response["Location"].endswith("#codes")
    codes = codes_of(event)
    assert len(codes) == 19 and absent.pk not in codes
    assert len(set(codes.values())) == 19
    assert all(CODE.match(code) for code in codes.values())
    # not in the registration (bib) order
    by_code = [pk for pk, _code in sorted(codes.items(), key=lambda item: item[1])]
    by_bib = list(event.entrants.active().order_by("bib").values_list("pk", flat=True))
    assert by_code != by_bib
    page = client.get(reverse("contests:event", args=[event.pk])).content.decode()
    assert "已抽取 19 个抽签号" in page and "密封的抽签对照表" in page
    entry = ModelLogEntry.objects.for_instance(event).get(action="contests.draw_codes")
    assert entry.user == organizer and entry.data == {"count": 19, "redraw": False}
    with translation.override("zh-hans"):
        assert registry.get_formatter(entry).format_message(entry) == "为 19 名选手抽签"


def test_codes_are_drawn_with_the_secure_generator(client, contest, organizer, monkeypatch):
    event, _sheets = blind_event(contest)
    calls = []
    import secrets

    real = secrets.SystemRandom.sample

    def spy(self, population, k):
        calls.append(k)
        return real(self, population, k)

    monkeypatch.setattr(secrets.SystemRandom, "sample", spy)
    client.force_login(organizer)
    assert draw(client, event).status_code == 302
    assert calls == [3]


def test_redrawing_before_any_score_replaces_the_codes_and_is_logged(client, contest, organizer):
    event, _sheets = blind_event(contest, entrants=30)
    client.force_login(organizer)
    draw(client, event)
    first = codes_of(event)
    assert draw(client, event).status_code == 302
    assert codes_of(event) != first and len(codes_of(event)) == 30
    entries = ModelLogEntry.objects.for_instance(event).filter(action="contests.draw_codes")
    assert [e.data["redraw"] for e in entries.order_by("pk")] == [False, True]


def test_redrawing_once_a_score_is_entered_is_refused(client, contest, organizer):
    event, sheets = blind_event(contest)
    client.force_login(organizer)
    draw(client, event)
    before = codes_of(event)
    Score.objects.create(
        sheet=sheets[0],
        entrant=event.entrants.first(),
        criterion=event.criteria.first(),
        points=50,
    )
    response = draw(client, event)
    assert response.status_code == 400
    assert "已经录入评分：评委已经知道这些抽签号，不能重新抽签。" in response.content.decode()
    assert codes_of(event) == before
    assert ModelLogEntry.objects.filter(action="contests.draw_codes").count() == 1
    page = client.get(reverse("contests:event", args=[event.pk])).content.decode()
    assert "重新抽签</button>" not in page and "不能再重新抽签" in page


def test_entrants_added_after_the_draw_get_codes_and_keep_the_others(client, contest, organizer):
    event, sheets = blind_event(contest)
    client.force_login(organizer)
    draw(client, event)
    before = codes_of(event)
    Score.objects.create(
        sheet=sheets[0],
        entrant=event.entrants.first(),
        criterion=event.criteria.first(),
        points=50,
    )
    late = EntrantFactory(event=event, bib="NB7399", name="盲评选手迟到", unit="盲评单位迟到")
    page = client.get(reverse("contests:event", args=[event.pk])).content.decode()
    assert "1 名参赛选手尚无抽签号" in page and "为尚无抽签号的选手抽签" in page
    assert draw(client, event, which="missing").status_code == 302
    after = codes_of(event)
    assert {pk: after[pk] for pk in before} == before
    assert CODE.match(after[late.pk]) and after[late.pk] not in before.values()
    assert draw(client, event, which="missing").status_code == 400


@pytest.mark.parametrize("which", ["everyone", ""])
def test_an_unknown_choice_is_refused(client, contest, organizer, which):
    event, _sheets = blind_event(contest)
    client.force_login(organizer)
    response = draw(client, event, which=which)
    assert response.status_code == 400 and "请选择为哪些选手抽签" in response.content.decode()
    assert not EntrantCode.objects.exists()


def test_an_event_that_shows_names_gets_no_codes(client, contest, organizer):
    event, _sheets = ready_event(contest)
    client.force_login(organizer)
    page = client.get(reverse("contests:event", args=[event.pk])).content.decode()
    assert "抽签号（盲评）" not in page
    response = draw(client, event)
    assert response.status_code == 400 and "只有对评委隐藏姓名的项目" in response.content.decode()
    assert not EntrantCode.objects.exists()


def test_only_the_contests_organizer_may_draw(client, contest, index):
    event, sheets = blind_event(contest)
    other = UserFactory(username="org2", role="organizer")
    make_contest(index, organizers=[other], title="另一个竞赛")
    client.force_login(other)
    assert draw(client, event).status_code == 404
    client.force_login(sheets[0].judge)
    assert draw(client, event).status_code == 403
    client.logout()
    response = draw(client, event)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not EntrantCode.objects.exists()
    assert client.get(reverse("contests:draw_codes", args=[event.pk])).status_code == 302


# What judges see


def test_the_judges_sheet_shows_only_codes_ordered_by_code(client, contest, organizer):
    event, sheets = blind_event(contest, entrants=12)
    client.force_login(organizer)
    draw(client, event)
    client.force_login(sheets[0].judge)
    response = client.get(sheet_url(sheets[0]))
    assert response.status_code == 200
    assert_blind(response.content, event)
    html = response.content.decode()
    codes = sorted(codes_of(event).values())
    shown = re.findall(r'<th class="entrant" scope="row">([^<]*)</th>', html)
    assert shown == codes
    assert "盲评：每名选手只显示抽签得到的抽签号。" in html


def test_the_judges_background_save_and_submit_work_by_code(client, contest, organizer):
    event, sheets = blind_event(contest)
    client.force_login(organizer)
    draw(client, event)
    sheet = sheets[0]
    client.force_login(sheet.judge)
    data = coded_cells(event, "70")
    response = client.post(sheet_url(sheet), {**data, "action": "draft"}, **JSON)
    assert response.status_code == 200 and response.json()["saved"] == 6
    assert_blind(response.content, event)
    bad = next(iter(data))
    response = client.post(sheet_url(sheet), {**data, bad: "170", "action": "draft"}, **JSON)
    assert response.status_code == 400 and list(response.json()["errors"]) == [bad]
    assert_blind(response.content, event)
    response = client.post(sheet_url(sheet), {**data, bad: "170", "action": "draft"})
    assert response.status_code == 400
    assert_blind(response.content, event)
    response = client.post(sheet_url(sheet), {**data, "action": "submit"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.is_submitted and Score.objects.filter(sheet=sheet, points=70).count() == 6
    # the submitted, locked sheet is still blind
    assert_blind(client.get(sheet_url(sheet)).content, event)


def test_posting_by_entrant_id_on_a_blind_sheet_saves_nothing(client, contest, organizer):
    event, sheets = blind_event(contest)
    client.force_login(organizer)
    draw(client, event)
    client.force_login(sheets[0].judge)
    data = {f"s-{e.pk}-{c.pk}": "70" for e in event.entrants.all() for c in event.criteria.all()}
    client.post(sheet_url(sheets[0]), {**data, "action": "draft"})
    assert not Score.objects.exists()


def test_before_the_draw_the_blind_sheet_is_closed(client, contest):
    event, sheets = blind_event(contest)
    client.force_login(sheets[0].judge)
    response = client.get(sheet_url(sheets[0]))
    assert response.status_code == 200
    assert_blind(response.content, event)
    assert "组织者抽签后才能开始评分" in response.content.decode()
    assert b'<input name="s-' not in response.content
    data = {f"s-{e.pk}-{c.pk}": "70" for e in event.entrants.all() for c in event.criteria.all()}
    response = client.post(sheet_url(sheets[0]), {**data, "action": "submit"})
    assert response.status_code == 400 and "组织者抽签后才能开始评分" in response.content.decode()
    response = client.post(sheet_url(sheets[0]), {**data, "action": "draft"}, **JSON)
    assert response.status_code == 400 and not response.json()["ok"]
    assert not Score.objects.exists()


def test_an_entrant_without_a_code_is_not_on_the_blind_sheet(client, contest, organizer):
    event, sheets = blind_event(contest)
    client.force_login(organizer)
    draw(client, event)
    EntrantFactory(event=event, bib="NB7399", name="盲评选手迟到", unit="盲评单位迟到")
    client.force_login(sheets[0].judge)
    response = client.get(sheet_url(sheets[0]))
    assert_blind(response.content, event)
    assert "1 名参赛选手尚无抽签号，暂不在本评分表上" in response.content.decode()


def test_every_page_a_judge_can_reach_is_blind(client, contest, organizer):
    event, sheets = blind_event(contest)
    client.force_login(organizer)
    draw(client, event)
    judge = sheets[0].judge
    client.force_login(judge)
    starts = [reverse("core:workspace"), reverse("contests:my_sheets"), sheet_url(sheets[0])]
    crawl = Crawler(client, judge, "zh-hans", limit=60, per_pattern=3, label="judge").run(starts)
    pages = crawl.html_pages()
    assert {reverse("contests:my_sheets"), sheet_url(sheets[0])} <= {v.url for v in pages}
    for visit in crawl.visits.values():
        assert visit.status < 500, visit.url
        leaked = [t.decode() for t in secrets_of(event) if t.decode() in visit.html]
        assert not leaked, (visit.url, leaked)
    # The JSON answer of the sheet, and the staff pages a judge might guess, say nothing.
    answer = client.post(sheet_url(sheets[0]), {"action": "draft"}, **JSON)
    assert_blind(answer.content, event)
    for name in ("event", "codes", "matrix", "completion", "print_sheets", "export_csv"):
        response = client.get(reverse(f"contests:{name}", args=[event.pk]))
        assert response.status_code == 403, name
        assert_blind(response.content, event)


def test_the_blind_sheet_costs_the_same_queries_for_3_and_30_entrants(
    client, contest, index, organizer, django_assert_max_num_queries
):
    small, small_sheets = blind_event(contest, entrants=3)
    other = make_contest(index, organizers=[organizer], title="第二个竞赛")
    large, large_sheets = blind_event(other, entrants=30)
    client.force_login(organizer)
    draw(client, small)
    draw(client, large)
    counts = []
    for event, sheets in ((small, small_sheets), (large, large_sheets)):
        Score.objects.bulk_create(
            Score(sheet=sheets[0], entrant=e, criterion=c, points=60)
            for e in event.entrants.all()
            for c in event.criteria.all()
        )
        client.force_login(sheets[0].judge)
        client.get(sheet_url(sheets[0]))  # warm the per-process caches (site, content types)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(sheet_url(sheets[0])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        client.get(sheet_url(large_sheets[0]))


def test_the_printed_sheets_of_a_blind_event_carry_codes(client, contest, organizer):
    event, _sheets = blind_event(contest)
    client.force_login(organizer)
    page = client.get(reverse("contests:print_sheets", args=[event.pk]))
    assert_blind(page.content, event)
    assert "抽签后评分表才会列出选手" in page.content.decode()
    draw(client, event)
    page = client.get(reverse("contests:print_sheets", args=[event.pk]))
    assert_blind(page.content, event)
    html = page.content.decode()
    for code in codes_of(event).values():
        assert html.count(f"<td>{code}</td>") == 3  # one per judge's page


# The sealed table


def test_the_sealed_table_opens_only_on_request_and_each_opening_is_recorded(
    client, contest, organizer
):
    event, _sheets = blind_event(contest)
    client.force_login(organizer)
    draw(client, event)
    event_page = client.get(reverse("contests:event", args=[event.pk])).content.decode()
    assert table_url(event) in event_page
    response = client.get(table_url(event))
    assert response.status_code == 200
    html = response.content.decode()
    assert "公布初步成绩之前，此对照表保持密封。" in html and "每次打开都会记入项目历史" in html
    assert_blind(response.content, event)
    assert not ModelLogEntry.objects.filter(action="contests.open_codes").exists()
    for _ in range(2):
        response = client.post(table_url(event))
        assert response.status_code == 200
    html = response.content.decode()
    assert "每次打开都会记入项目历史" in html and "本次打开已于" in html
    for entrant in event.entrants.all():
        assert entrant.bib in html and entrant.name in html
        assert f"<strong>{entrant.blind_code.code}</strong>" in html
    openings = ModelLogEntry.objects.for_instance(event).filter(action="contests.open_codes")
    assert openings.count() == 2 and {e.user for e in openings} == {organizer}
    assert html.count("密封的抽签对照表已被打开") == 2  # the page's own history


def test_the_events_admin_history_shows_the_draw_and_the_openings(client, contest, organizer):
    event, _sheets = blind_event(contest)
    client.force_login(organizer)
    draw(client, event)
    client.post(table_url(event))
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    url = reverse("wagtailsnippets_contests_event:history", args=[event.pk])
    html = client.get(url).content.decode()
    assert "为 3 名选手抽签" in html and "密封的抽签对照表已被打开" in html


def test_judges_other_organizers_and_visitors_never_get_the_table(client, contest, index):
    event, sheets = blind_event(contest)
    client.force_login(contest.organizers.first())
    draw(client, event)
    other = UserFactory(username="org2", role="organizer")
    make_contest(index, organizers=[other], title="另一个竞赛")
    client.force_login(other)
    for method in (client.get, client.post):
        response = method(table_url(event))
        assert response.status_code == 404
        assert_blind(response.content, event)
    client.force_login(sheets[0].judge)
    for method in (client.get, client.post):
        response = method(table_url(event))
        assert response.status_code == 403
        assert_blind(response.content, event)
    client.logout()
    response = client.post(table_url(event))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ModelLogEntry.objects.filter(action="contests.open_codes").exists()


def test_once_provisional_results_are_published_codes_show_beside_bib_and_name(
    client, contest, organizer
):
    event, sheets = blind_event(contest)
    client.force_login(organizer)
    draw(client, event)
    fill(event, sheets)
    codes = codes_of(event)
    # before: the ranking and the export show no code
    page = client.get(reverse("contests:event", args=[event.pk])).content.decode()
    assert not any(f'<td class="code-col">{code}</td>' in page for code in codes.values())
    export = client.get(reverse("contests:export_csv", args=[event.pk])).content.decode("utf-8-sig")
    assert "抽签号" not in export
    publish_provisional(event, organizer)
    page = client.get(reverse("contests:event", args=[event.pk])).content.decode()
    for code in codes.values():
        assert f'<td class="code-col">{code}</td>' in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("contests:export_csv", args=[event.pk])).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    header = next(row for row in rows if "抽签号" in row)
    bib_at, code_at = header.index("编号"), header.index("抽签号")
    assert code_at == bib_at + 1
    by_bib = {e.bib: codes[e.pk] for e in event.entrants.all()}
    body = [row for row in rows[rows.index(header) + 1 :] if row and row[bib_at] in by_bib]
    assert len(body) == 3 and all(row[code_at] == by_bib[row[bib_at]] for row in body)
    # the table is no longer sealed: shown at once, not recorded
    response = client.get(table_url(event))
    html = response.content.decode()
    assert "初步成绩已公布，此对照表不再密封。" in html
    assert all(e.name in html for e in event.entrants.all())
    assert not ModelLogEntry.objects.filter(action="contests.open_codes").exists()
    # the public snapshot never carries the codes
    assert all("code" not in row for row in event.results_page.standings)


# Importing scores by code


def test_scores_import_by_code_on_a_blind_event(client, contest, organizer):
    event, sheets = blind_event(contest)
    client.force_login(organizer)
    draw(client, event)
    code = codes_of(event)[event.entrants.order_by("bib").first().pk]
    judge = sheets[0].judge.username
    text = f"抽签号,评委,评分项,分数\n{code.lower()},{judge},实操,88\n{code},{judge},理论,77\n"
    url = reverse("contests:import_scores", args=[event.pk])
    response = client.post(url, {"file": csv_file(text, "scores.csv")})
    assert response.status_code == 302
    assert sorted(Score.objects.values_list("points", flat=True)) == [77, 88]
    bad = f"抽签号,评委,评分项,分数\nZ99X,{judge},实操,88\n"
    response = client.post(url, {"file": csv_file(bad, "scores.csv")})
    assert response.status_code == 400 and "没有抽签号“Z99X”" in response.content.decode()
    both = f"编号,抽签号,评委,评分项,分数\nNB7301,{code},{judge},实操,88\n"
    response = client.post(url, {"file": csv_file(both, "scores.csv")})
    assert response.status_code == 400 and "不能两列同时使用" in response.content.decode()
    assert Score.objects.count() == 2


def test_a_code_column_on_an_event_without_codes_is_refused(client, contest, organizer):
    event, sheets = blind_event(contest)
    client.force_login(organizer)
    text = f"抽签号,评委,评分项,分数\nA01,{sheets[0].judge.username},实操,88\n"
    response = client.post(
        reverse("contests:import_scores", args=[event.pk]), {"file": csv_file(text, "s.csv")}
    )
    assert response.status_code == 400 and "本项目没有抽签号" in response.content.decode()
    text = f"评委,评分项,分数\n{sheets[0].judge.username},实操,88\n"
    response = client.post(
        reverse("contests:import_scores", args=[event.pk]), {"file": csv_file(text, "s.csv")}
    )
    assert response.status_code == 400 and "编号 / bib" in response.content.decode()
    assert not Score.objects.exists()
