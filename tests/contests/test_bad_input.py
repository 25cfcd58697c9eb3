"""Bad input a real organizer, judge or visitor sends: refused with a clear 4xx, nothing saved."""

import codecs
import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contests.models import Criterion, Entrant, Objection, ResultsPage, Score
from tests.contests.helpers import csv_file, fill, ready_event, xlsx_file
from tests.factories.contests import EventFactory

pytestmark = pytest.mark.django_db

ROWS = (
    "姓名,单位,项目,电话\n王小芳,奉化某服饰,女装裁剪,13800000001\n李大海,奉化某模具厂,女装裁剪,\n"
)


def import_url(contest):
    return f"/app/contests/manage/contest/{contest.pk}/import/"


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.fixture
def cutting(contest):
    return EventFactory(contest=contest, name="女装裁剪")


@pytest.mark.parametrize(
    "data",
    [
        ROWS.encode("gbk"),  # "CSV" saved by Chinese Excel
        ROWS.encode("gb18030"),
        codecs.BOM_UTF8 + ROWS.encode("utf-8"),  # "CSV UTF-8" saved by Excel
        ROWS.encode("utf-8"),
        ROWS.replace(",", ";").encode("utf-8"),
        ROWS.replace(",", "\t").encode("utf-8"),
        ROWS.replace("\n", "\r\n").encode("gbk"),
        ROWS.replace("姓名,单位", "姓名*,单位（必填）").encode("utf-8"),
    ],
    ids=["gbk", "gb18030", "utf8-bom", "utf8", "semicolons", "tabs", "crlf", "marked-headers"],
)
def test_entrant_csv_in_every_encoding_excel_writes_is_read(
    client, contest, organizer, cutting, data
):
    client.force_login(organizer)
    response = client.post(import_url(contest), {"file": upload("报名表.csv", data)})
    assert response.status_code == 302
    assert sorted(Entrant.objects.values_list("name", flat=True)) == ["李大海", "王小芳"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "空文件"),
        ("headers.csv", "姓名,单位,项目\n".encode(), "没有数据行"),
        ("notes.txt", ROWS.encode(), ".csv 或 .xlsx"),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "不是 XLSX 工作簿"),
        ("broken.xlsx", b"PK\x03\x04" + b"\0" * 200, "不是可读取的 XLSX 工作簿"),
        ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200, ".xls"),
        ("binary.csv", b"\0\1\2\3" * 100, "不是 CSV 文本文件"),
        ("quote.csv", ('姓名,单位,项目\n"' + "长" * 200_000 + "\n").encode(), "第 2 行"),
        ("control.csv", "姓名,单位,项目\n王\x07小芳,奉化某服饰,女装裁剪\n".encode(), "不可见字符"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(
    client, contest, organizer, cutting, name, data, message
):
    client.force_login(organizer)
    response = client.post(import_url(contest), {"file": upload(name, data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Entrant.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, contest, organizer, cutting, settings):
    settings.MAX_UPLOAD_SIZE = 1024
    client.force_login(organizer)
    data = (ROWS + "张三,某公司,女装裁剪,\n" * 200).encode()
    response = client.post(import_url(contest), {"file": upload("big.csv", data)})
    assert response.status_code == 400
    assert "文件太大" in response.content.decode()
    assert not Entrant.objects.exists()


def test_import_refuses_a_phone_the_database_could_not_hold(client, contest, organizer, cutting):
    client.force_login(organizer)
    data = "姓名,单位,项目,电话\n王小芳,奉化某服饰,女装裁剪," + "1" * 40 + "\n"
    response = client.post(import_url(contest), {"file": csv_file(data)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "第 2 行" in html and "电话" in html
    assert not Entrant.objects.exists()


def test_entrant_import_from_english_page_names_rows_in_english(
    client, contest, organizer, cutting
):
    client.force_login(organizer)
    data = "name,unit,event\nAnn,Works,Welding\n"
    response = client.post("/en" + import_url(contest), {"file": csv_file(data)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Row 2, column event" in html and "Welding" in html


def scheme_import(client, event, file):
    return client.post(f"/app/contests/manage/event/{event.pk}/scheme/import/", {"file": file})


def test_scheme_import_reads_trailing_zeros_and_excel_floats(client, contest, organizer):
    event = EventFactory(contest=contest, name="外圆磨削")
    client.force_login(organizer)
    data = "评分项,满分,权重,同分比较\n实操,60.000,0.6000,1\n理论,40.0,0.40,2.0\n"
    assert scheme_import(client, event, csv_file(data, "scheme.csv")).status_code == 302
    assert list(event.criteria.values_list("name", "maximum", "weight", "tie_break")) == [
        ("实操", Decimal("60"), Decimal("0.6"), 1),
        ("理论", Decimal("40"), Decimal("0.4"), 2),
    ]
    workbook = xlsx_file(
        [
            ["评分项", "满分", "权重", "类型", "同分比较"],
            ["操作", 60.0, 0.1 + 0.2, "测量", 1.0],  # Excel's 0.30000000000000004
            ["作品", 40.5, 1, "评价", None],
        ],
        name="scheme.xlsx",
    )
    assert scheme_import(client, event, workbook).status_code == 302
    assert list(event.criteria.values_list("name", "maximum", "weight", "kind")) == [
        ("操作", Decimal("60"), Decimal("0.3"), "measurement"),
        ("作品", Decimal("40.5"), Decimal("1"), "judgement"),
    ]


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("实操,60.123,1,1", "满分"),
        ("实操,1e400,1,1", "满分"),
        ("实操,0,1,1", "满分"),
        ("实操,60,0.0001,1", "权重"),
        ("实操,60,1,1.5", "同分比较"),
        ("实操,60,1,0", "同分比较"),
    ],
)
def test_scheme_import_refuses_bad_numbers_naming_the_cell(client, contest, organizer, row, column):
    event = EventFactory(contest=contest, name="外圆磨削")
    Criterion.objects.create(event=event, name="旧", maximum=10)
    client.force_login(organizer)
    response = scheme_import(client, event, csv_file("评分项,满分,权重,同分比较\n" + row + "\n"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "第 2 行" in html and column in html
    assert list(event.criteria.values_list("name", flat=True)) == ["旧"]


def test_score_import_matches_bibs_excel_turned_into_numbers(client, contest, organizer):
    event, sheets = ready_event(contest, entrants=5)
    client.force_login(organizer)
    workbook = xlsx_file(
        [["编号", "评委", "评分项", "分数"], [4, sheets[0].judge.username, "实操", 80.5]],
        name="scores.xlsx",
    )
    response = client.post(
        f"/app/contests/manage/event/{event.pk}/scores/import/", {"file": workbook}
    )
    assert response.status_code == 302
    score = Score.objects.get()
    assert (score.entrant.bib, score.points) == ("004", Decimal("80.50"))


def scheme_post(event, **changes):
    criteria = list(event.criteria.all())
    data = {
        "event-name": event.name,
        "event-rule": event.rule,
        "event-deviation_threshold": "10",
        "event-notice_days": "5",
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": str(len(criteria)),
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
                f"criteria-{i}-id": str(c.pk),
                f"criteria-{i}-event": str(event.pk),
                f"criteria-{i}-name": c.name,
                f"criteria-{i}-maximum": str(c.maximum),
                f"criteria-{i}-weight": str(c.weight),
                f"criteria-{i}-kind": c.kind,
                f"criteria-{i}-tie_break": "" if c.tie_break is None else str(c.tie_break),
            }
        )
    data.update(changes)
    return data


def test_scheme_form_names_duplicate_criteria_and_tie_breaks(client, contest, organizer):
    event, _sheets = ready_event(contest)
    client.force_login(organizer)
    url = f"/app/contests/manage/event/{event.pk}/scheme/"
    response = client.post(url, scheme_post(event, **{"criteria-1-name": "实操"}))
    assert response.status_code == 400
    assert "两个评分项都叫“实操”" in response.content.decode()
    response = client.post(url, scheme_post(event, **{"criteria-1-tie_break": "1"}))
    assert response.status_code == 400
    assert "同分比较顺序 1" in response.content.decode()
    assert sorted(event.criteria.values_list("name", flat=True)) == ["实操", "理论"]
    response = client.post(url, {"event-name": "x"})  # a hand-made post: no formset data
    assert response.status_code == 400


def test_locked_scheme_shows_criteria_read_only_and_still_saves_settings(
    client, contest, organizer
):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    url = f"/app/contests/manage/event/{event.pk}/scheme/"
    html = client.get(url).content.decode()
    assert 'name="criteria-0-name"' not in html and "readonly-criteria" in html
    data = {
        key: value for key, value in scheme_post(event).items() if not key.startswith("criteria")
    }
    data["event-notice_days"] = "7"
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.notice_days == 7
    stale = scheme_post(event, **{"criteria-0-maximum": "50"})  # a page opened before scoring
    assert client.post(url, stale).status_code == 400
    assert event.criteria.get(name="实操").maximum == Decimal("100")


def test_refused_status_change_and_copy_are_400_and_change_nothing(client, contest, organizer):
    event, _sheets = ready_event(contest)
    entrant = event.entrants.first()
    client.force_login(organizer)
    response = client.post(
        f"/app/contests/manage/event/{event.pk}/entrants/{entrant.pk}/status/", {"status": "dead"}
    )
    assert response.status_code == 400
    assert entrant.name in response.content.decode()
    entrant.refresh_from_db()
    assert entrant.status == "active"
    response = client.post(f"/app/contests/manage/event/{event.pk}/scheme/copy/", {"source": "abc"})
    assert response.status_code == 400
    assert event.criteria.count() == 2


def test_staff_entrant_form_refuses_a_bad_phone(client, contest, organizer, cutting):
    client.force_login(organizer)
    response = client.post(
        f"/app/contests/manage/event/{cutting.pk}/entrants/",
        {"bib": "", "name": "王小芳", "unit": "奉化某服饰", "phone": "call me"},
    )
    assert response.status_code == 400
    assert not Entrant.objects.exists()


def test_objection_after_the_notice_ended_is_refused_not_dropped(client, contest, organizer):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    url = f"/app/contests/manage/event/{event.pk}/publish/"
    client.post(url, {"action": "provisional"})
    client.post(url, {"action": "notice"})
    page = ResultsPage.objects.get(event=event)
    ResultsPage.objects.filter(pk=page.pk).update(
        notice_until=datetime.date.today() - datetime.timedelta(days=1)
    )
    assert client.post(url, {"action": "final"}).status_code == 302
    client.logout()
    response = client.post(
        page.url + "objection/", {"name": "张三", "contact": "139", "message": "有误"}
    )
    assert response.status_code == 400
    assert "公示已结束" in response.content.decode()
    assert not Objection.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/app/contests/manage/event/abc/",
        "/app/contests/manage/event/99999999/",
        "/app/contests/manage/contest/0/",
        "/app/contests/judging/sheet/99999999/",
        "/app/contests/manage/event/99999999/certificates/progress/",
        "/app/contests/manage/objections/99999999/",
    ],
)
def test_unknown_and_non_numeric_ids_are_404(client, organizer, path):
    client.force_login(organizer)
    assert client.get(path).status_code == 404


def test_wrong_methods_and_junk_parameters(client, contest, organizer):
    event, _sheets = ready_event(contest)
    client.force_login(organizer)
    base = f"/app/contests/manage/event/{event.pk}"
    for path in (f"{base}/publish/", f"{base}/judges/", f"{base}/certificates/"):
        assert client.get(path).status_code == 405, path
    assert client.get(f"{base}/entrants/?page=abc&q=%00x").status_code == 200
    assert client.get(f"{base}/?page=-5").status_code == 200
    assert client.get(f"{base}/print/?filled=yes").status_code == 200


def test_editing_one_award_tier_keeps_the_order_of_the_others(client, contest, organizer):
    event, _sheets = ready_event(contest)
    client.force_login(organizer)
    tiers = list(event.tiers.order_by("position"))
    data = {key: value for key, value in scheme_post(event).items() if not key.startswith("tiers")}
    data.update(
        {
            "tiers-TOTAL_FORMS": "4",
            "tiers-INITIAL_FORMS": "3",
            "tiers-MIN_NUM_FORMS": "0",
            "tiers-MAX_NUM_FORMS": "1000",
            "tiers-3-name": "优胜奖",
            "tiers-3-count": "5",
        }
    )
    for i, tier in enumerate(tiers):
        data.update(
            {
                f"tiers-{i}-id": str(tier.pk),
                f"tiers-{i}-event": str(event.pk),
                f"tiers-{i}-name": tier.name,
                f"tiers-{i}-count": "2" if i == 2 else str(tier.count),  # only 三等奖 changes
            }
        )
    response = client.post(f"/app/contests/manage/event/{event.pk}/scheme/", data)
    assert response.status_code == 302
    assert list(event.tiers.order_by("position").values_list("name", "count")) == [
        ("一等奖", 1),
        ("二等奖", 1),
        ("三等奖", 2),
        ("优胜奖", 5),
    ]


def test_a_judge_cannot_submit_a_sheet_with_nothing_to_score(client, contest):
    from contests.models import Sheet
    from tests.factories.contests import SheetFactory

    event = EventFactory(contest=contest, name="焊接")  # no criteria, no entrants yet
    sheet = SheetFactory(event=event)
    client.force_login(sheet.judge)
    response = client.post(f"/app/contests/judging/sheet/{sheet.pk}/", {"action": "submit"})
    assert response.status_code == 400
    assert "还没有可评分的内容" in response.content.decode()
    assert not Sheet.objects.get(pk=sheet.pk).is_submitted


def test_registration_without_events_says_so(client, contest):
    response = client.get(contest.url + "register/")
    assert response.status_code == 200
    assert "尚未公布" in response.content.decode()
    response = client.post(contest.url + "register/", {"name": "甲", "unit": "乙"})
    assert response.status_code == 400
    assert not Entrant.objects.exists()


def test_refused_import_names_the_events_and_offers_the_upload_again(
    client, contest, organizer, cutting
):
    client.force_login(organizer)
    response = client.post(
        import_url(contest), {"file": csv_file("姓名,单位,项目\n王小芳,奉化某服饰,男装裁剪\n")}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "本竞赛的项目：女装裁剪" in html
    assert f'action="{import_url(contest)}"' in html and 'name="file"' in html


def test_forms_posted_with_no_field_name_what_is_missing(client, contest, organizer, cutting):
    # Found by the form fuzz: `Form(request.POST or None)` left a form posted with no field
    # unbound, so each of these pages answered 400 without saying what was missing.
    objection = Objection.objects.create(event=cutting, name="张三", contact="139", message="复核")
    required = "必需字段"
    response = client.post(contest.url + "register/", {})
    assert response.status_code == 400 and required in response.content.decode()
    client.force_login(organizer)
    for url in (
        f"/app/contests/manage/contest/{contest.pk}/",
        f"/app/contests/manage/event/{cutting.pk}/entrants/",
        f"/app/contests/manage/objections/{objection.pk}/",
    ):
        response = client.post(url, {})
        assert response.status_code == 400, url
        assert required in response.content.decode(), url
    assert not Entrant.objects.exists()
    assert contest.events.count() == 1
    objection.refresh_from_db()
    assert objection.answered_at is None


def test_a_minimum_total_nobody_can_reach_is_refused_on_the_scheme_page(client, contest, organizer):
    event, _sheets = ready_event(contest)  # 实操 100 × 0.7 + 理论 100 × 0.3: at most 100
    client.force_login(organizer)
    url = f"/app/contests/manage/event/{event.pk}/scheme/"
    response = client.post(url, scheme_post(event, **{"event-minimum_total": "100.01"}))
    assert response.status_code == 400
    assert "高于评分项可得的最高总分（100.00）" in response.content.decode()
    event.refresh_from_db()
    assert event.minimum_total is None
    assert client.post(url, scheme_post(event, **{"event-minimum_total": "100"})).status_code == 302


def test_an_imported_scheme_with_a_repeated_tie_break_or_an_unreachable_minimum_is_refused(
    client, contest, organizer
):
    event = EventFactory(contest=contest, name="数控车", minimum_total=Decimal("90"))
    client.force_login(organizer)
    repeated = "评分项,满分,权重,同分比较\n实操,60,1,1\n理论,40,1,1\n"
    response = scheme_import(client, event, csv_file(repeated, "scheme.csv"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "同分比较顺序 1 也在第 2 行" in html
    low = "评分项,满分,权重\n实操,50,1\n理论,30,1\n"
    response = scheme_import(client, event, csv_file(low, "scheme.csv"))
    assert response.status_code == 400
    assert "高于评分项可得的最高总分（80.00）" in response.content.decode()
    assert not event.criteria.exists()
