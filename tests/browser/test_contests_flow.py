"""The issue's "Done when", in a browser, on the seeded demo."""

import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

GOOD = (
    "姓名,单位,项目,电话\n"
    "周一鸣,尚田街道某茶业公司,茶艺表演,13800001111\n"
    "吴晓岚,大堰镇某旅游公司,茶艺表演,\n"
)
BAD = "姓名,单位,项目\n周二鸣,尚田街道某茶业公司,茶艺表演\n陈三,某公司,插花表演\n"


def open_contest(page, base, title_part):
    page.goto(f"{base}/app/contests/manage/")
    page.get_by_role("link", name=re.compile(title_part)).first.click()


def test_organizer_imports_entrants_and_assigns_judges(live_demo, tablet, screenshot, tmp_path):
    page = tablet
    log_in(page, live_demo, "demo-organizer")
    page.goto(f"{live_demo}/workspace/")
    page.get_by_role("link", name=re.compile("管理我的竞赛")).click()
    page.get_by_role("link", name=re.compile("茶艺师技能竞赛")).first.click()
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_role("button", name="导入").click()
    assert page.get_by_text("第 3 行").is_visible()
    assert "插花表演" in page.content()
    screenshot(page, "import-refused")
    page.get_by_role("link", name="返回竞赛").click()
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    page.set_input_files("input[name=file]", str(good))
    page.get_by_role("button", name="导入").click()
    assert page.get_by_text("已导入 2 名选手").is_visible()
    page.get_by_role("link", name="茶艺表演").click()
    boxes = page.locator("input[name=judges]")
    if not boxes.first.is_visible():
        page.get_by_text("分配评委", exact=True).click()
    for i in range(3):
        boxes.nth(i).check()
    page.get_by_role("button", name="保存评委").click()
    assert page.get_by_text("评委已保存：共 3 位").is_visible()
    screenshot(page, "judges-assigned")


def test_judge_fills_and_submits_a_sheet_on_a_tablet(live_demo, tablet, screenshot):
    page = tablet
    log_in(page, live_demo, "demo-judge")
    page.goto(f"{live_demo}/workspace/")
    page.get_by_role("link", name=re.compile("我的评分表")).click()
    page.get_by_role("link", name=re.compile("苏式月饼")).click()
    inputs = page.locator("table.sheet-grid input")
    count = inputs.count()
    assert count >= 30
    inputs.first.fill("120")  # over the maximum: refused, nothing saved
    page.get_by_role("button", name="保存草稿").click()
    assert page.get_by_text("满分是").first.is_visible()
    screenshot(page, "sheet-refused")
    for i in range(count):
        name = inputs.nth(i).get_attribute("name")
        maximum = 10 if i % 3 == 2 else 100
        inputs.nth(i).fill(str(round(maximum * 0.8 - (i % 5), 1)))
        assert name
    page.get_by_role("button", name="保存草稿").click()
    assert page.get_by_text("草稿已保存").is_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交评分表").click()
    assert page.get_by_text("评分表已提交").is_visible()
    screenshot(page, "sheet-submitted")


def test_organizer_publishes_through_the_workflow_and_public_reads_it(
    live_demo, tablet, phone, screenshot
):
    page = tablet
    log_in(page, live_demo, "demo-organizer")
    open_contest(page, live_demo, "中式面点师")
    page.get_by_role("link", name="苏式月饼").click()
    assert page.locator(".flag", has_text="⚑").first.is_visible()  # a harsh judge
    page.get_by_role("button", name="发布初步成绩").click()
    assert page.get_by_text("初步成绩已保存").is_visible()
    page.get_by_role("button", name=re.compile("开始公示")).click()
    assert page.get_by_text("成绩已公开").is_visible()
    screenshot(page, "notice-started")
    public_link = page.get_by_role("link", name="公开成绩页面").get_attribute("href")

    phone.goto(live_demo + public_link)
    assert phone.get_by_text(re.compile("公示至")).first.is_visible()
    assert phone.locator("table.results tbody tr").count() >= 12
    assert "138" not in phone.locator("table.results").inner_text()
    screenshot(phone, "public-ranking")

    # The other event's notice has ended but holds an objection: answer it, then make final.
    open_contest(page, live_demo, "汽车维修工")
    page.get_by_role("link", name=re.compile("钣金喷漆 · ")).click()
    page.select_option("select[name=status]", "dismissed")
    page.fill("textarea[name=answer]", "经复核，评分无误。")
    page.get_by_role("button", name="保存答复").click()
    page.get_by_role("button", name="定稿").click()
    assert page.get_by_text("成绩已定稿").is_visible()
    page.get_by_role("button", name="为所有获奖者颁发证书").click()
    page.wait_for_function(
        "document.querySelector('#certificate-progress progress').value >= 100", timeout=60_000
    )
    screenshot(page, "certificates-done")
    page.reload()
    code_link = page.locator(".certificate-list a").first
    code = code_link.inner_text()
    phone.goto(f"{live_demo}/verify/{code}/")
    assert code in phone.content()
    assert phone.locator(".verdict--valid").is_visible()
    screenshot(phone, "certificate-verified")


def test_public_browses_contests_on_a_phone(live_demo, phone, screenshot):
    phone.goto(f"{live_demo}/contests/")
    phone.select_option("select[name=level]", "municipal")
    phone.get_by_role("button", name=re.compile("Show|显示|查看")).click()
    phone.get_by_role("link", name=re.compile("广告设计精英赛")).click()
    assert phone.locator(".gallery img").count() == 3
    phone.get_by_role("link", name=re.compile("平面广告设计")).click()
    assert phone.get_by_text(re.compile("最终成绩|Final")).first.is_visible()
    screenshot(phone, "final-results")
    phone.goto(f"{live_demo}/contests/archive/")
    assert phone.get_by_role("heading", name=re.compile("历年成绩")).is_visible()
