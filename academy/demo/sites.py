"""Demo teaching sites (教学点): invented hosts and addresses, each with activities held there."""

from ..models import ActivityPage, TeachingSiteIndexPage, TeachingSitePage

SITES = [
    (
        "锦屏服装实训教学点",
        "jinping-garments",
        "锦屏街道示范路 18 号 2 楼",
        "某服饰有限公司（虚构）",
        "企业车间里的裁剪与制版实训，学员在真实产线上练习排料、推版。",
    ),
    (
        "江口机械加工教学点",
        "jiangkou-machining",
        "江口街道产业园 6 号厂房",
        "某精密机械厂（虚构）",
        "磨工、车工的实操教学，设备与量具齐全，每月开放两次。",
    ),
    (
        "岳林工匠馆教学点",
        "yuelin-craft-hall",
        "岳林街道文化路 3 号",
        "岳林街道总工会",
        "民间工艺的展示与体验，竹编、木雕、布艺师傅轮流授课。",
    ),
    (
        "职工服务中心教学点",
        "service-centre",
        "奉化区职工服务中心 3 楼实训室",
        "区职工服务中心",
        "面向全区职工的技能讲座与汽修、电工培训。",
    ),
]


def seed_teaching_sites(ctx, section):
    """An index of four sites; every third activity is held at one of them."""
    index = section.add_child(
        instance=TeachingSiteIndexPage(
            title="教学点",
            slug="teaching-sites",
            intro="<p>“1+3+N”中的 N：学院在企业、街道和服务中心设立的教学点。</p>",
            show_in_menus=False,
        )
    )
    sites = [
        index.add_child(
            instance=TeachingSitePage(
                title=title,
                slug=slug,
                address=address,
                contact_unit=unit,
                description=f"<p>{description}</p>",
            )
        )
        for title, slug, address, unit, description in SITES
    ]
    activity_ids = list(
        ActivityPage.objects.descendant_of(section).order_by("path").values_list("pk", flat=True)
    )
    held_at_sites = activity_ids[::3]
    for i, site in enumerate(sites):
        linked = held_at_sites[i :: len(sites)]
        ActivityPage.objects.filter(pk__in=linked).update(teaching_site=site, place=site.title)
    return sites
