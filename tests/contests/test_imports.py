import pytest

from contests.models import Entrant, Score
from tests.contests.helpers import csv_file, fill, ready_event, xlsx_file
from tests.factories.contests import EventFactory

pytestmark = pytest.mark.django_db


def url(contest):
    return f"/app/contests/manage/contest/{contest.pk}/import/"


def test_import_with_chinese_headers_assigns_missing_bibs(client, contest, organizer):
    EventFactory(contest=contest, name="女装裁剪")
    client.force_login(organizer)
    data = (
        "姓名,单位,项目,编号,电话\n"
        "王小芳,奉化某服饰,女装裁剪,,13800000001\n"
        "李大海,奉化某服饰,女装裁剪,007,\n"
    )
    response = client.post(url(contest), {"file": csv_file(data)})
    assert response.status_code == 302
    bibs = dict(Entrant.objects.values_list("name", "bib"))
    assert bibs == {"李大海": "007", "王小芳": "008"}


def test_import_xlsx_with_english_headers(client, contest, organizer):
    EventFactory(contest=contest, name="Cutting")
    client.force_login(organizer)
    upload = xlsx_file(
        [["Name", "Unit", "Event"], ["Ann", "Works A", "Cutting"], ["Bo", "Works B", "Cutting"]]
    )
    response = client.post(url(contest), {"file": upload})
    assert response.status_code == 302
    assert sorted(Entrant.objects.values_list("bib", flat=True)) == ["001", "002"]


def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(client, contest, organizer):
    EventFactory(contest=contest, name="女装裁剪")
    client.force_login(organizer)
    data = (
        "姓名,单位,项目,编号\n"
        "王小芳,奉化某服饰,女装裁剪,001\n"
        "李大海,奉化某服饰,男装裁剪,002\n"  # unknown event
        ",奉化某服饰,女装裁剪,003\n"  # empty name
        "赵一,奉化某服饰,女装裁剪,001\n"  # duplicate bib
    )
    response = client.post(url(contest), {"file": csv_file(data)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "第 3 行" in html and "项目" in html and "男装裁剪" in html
    assert "第 4 行" in html and "姓名" in html
    assert "第 5 行" in html and "编号" in html
    assert Entrant.objects.count() == 0


def test_missing_header_and_wrong_file_type_are_refused(client, contest, organizer):
    client.force_login(organizer)
    response = client.post(url(contest), {"file": csv_file("姓名,项目\n王,女装\n")})
    assert response.status_code == 400
    assert "单位" in response.content.decode()
    response = client.post(url(contest), {"file": csv_file("x", name="a.txt")})
    assert response.status_code == 400
    assert Entrant.objects.count() == 0


def test_duplicate_entrant_already_registered_is_refused(client, contest, organizer):
    event = EventFactory(contest=contest, name="女装裁剪")
    Entrant.objects.create(event=event, bib="001", name="王小芳", unit="奉化某服饰")
    client.force_login(organizer)
    response = client.post(
        url(contest), {"file": csv_file("姓名,单位,项目\n王小芳,奉化某服饰,女装裁剪\n")}
    )
    assert response.status_code == 400
    assert Entrant.objects.count() == 1


def test_score_import_refuses_unknown_judge_criterion_and_bad_scores(client, contest, organizer):
    event, sheets = ready_event(contest)
    client.force_login(organizer)
    judge = sheets[0].judge.username
    data = (
        "编号,评委,评分项,分数\n"
        f"001,{judge},实操,88.5\n"
        f"001,stranger,实操,80\n"
        f"001,{judge},颜值,80\n"
        f"002,{judge},实操,101\n"
        f"003,{judge},理论,8.123\n"
    )
    response = client.post(
        f"/app/contests/manage/event/{event.pk}/scores/import/", {"file": csv_file(data)}
    )
    html = response.content.decode()
    assert response.status_code == 400
    for row in ("第 3 行", "第 4 行", "第 5 行", "第 6 行"):
        assert row in html
    assert "第 2 行" not in html
    assert Score.objects.count() == 0


def test_score_import_saves_all_rows(client, contest, organizer):
    event, sheets = ready_event(contest, entrants=1)
    client.force_login(organizer)
    rows = "".join(f"001,{s.judge.username},实操,9{i}\n" for i, s in enumerate(sheets))
    response = client.post(
        f"/app/contests/manage/event/{event.pk}/scores/import/",
        {"file": csv_file("bib,judge,criterion,score\n" + rows)},
    )
    assert response.status_code == 302
    assert Score.objects.count() == 3


def test_scheme_import_and_copy(client, contest, organizer):
    event, _sheets = ready_event(contest)
    target = EventFactory(contest=contest, name="男装裁剪")
    client.force_login(organizer)
    response = client.post(
        f"/app/contests/manage/event/{target.pk}/scheme/copy/", {"source": event.pk}
    )
    assert response.status_code == 302
    assert list(target.criteria.values_list("name", flat=True)) == ["实操", "理论"]
    assert target.tiers.count() == 3
    data = "评分项,满分,权重,类型,同分比较\n操作,60,0.5,测量,1\n作品,40,,评价,\n"
    response = client.post(
        f"/app/contests/manage/event/{target.pk}/scheme/import/", {"file": csv_file(data)}
    )
    assert response.status_code == 302
    assert list(target.criteria.values_list("name", "kind")) == [
        ("操作", "measurement"),
        ("作品", "judgement"),
    ]
    bad = "评分项,满分\n操作,abc\n"
    response = client.post(
        f"/app/contests/manage/event/{target.pk}/scheme/import/", {"file": csv_file(bad)}
    )
    assert response.status_code == 400
    assert target.criteria.count() == 2


def test_scheme_is_locked_once_scored(client, contest, organizer):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    response = client.post(
        f"/app/contests/manage/event/{event.pk}/scheme/import/",
        {"file": csv_file("评分项,满分\n操作,60\n")},
    )
    assert response.status_code == 400
    assert event.criteria.count() == 2
