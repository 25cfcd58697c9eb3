"""Demo data shared by every section: the page tree's top, the demo logins, invented names.

``seed_demo`` calls ``seed(ctx)`` here first, then ``seed(ctx)`` of each app's ``demo`` module.
"""

import os
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from . import roles
from .models import HomePage
from .site import build_site

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉文斌宇浩凯瑶晨轩琳雪婷佳欣怡梓涵子墨一诺若汐沐辰思远语桐可馨嘉懿浩然皓轩明哲睿泽"  # noqa: E501

# login: (role, invented display name)
DEMO_LOGINS = {
    "demo-manager": (roles.MANAGER, "陆安澜"),
    "demo-teacher": (roles.TEACHER, "沈清禾"),
    "demo-teacher2": (roles.TEACHER, "顾晓棠"),
    "demo-craftsman": (roles.CRAFTSMAN, "应守拙"),
    "demo-mentor": (roles.MENTOR, "邬承远"),
    "demo-mentor2": (roles.MENTOR, "竺鸣岐"),
    "demo-apprentice": (roles.APPRENTICE, "毛小川"),
    "demo-organizer": (roles.ORGANIZER, "孙照临"),
    "demo-judge": (roles.JUDGE, "葛明衡"),
    "demo-judge2": (roles.JUDGE, "邵立秋"),
}


@dataclass
class DemoContext:
    stdout: object = None
    style: object = None
    scale: int = 1
    rng: random.Random = field(default_factory=lambda: random.Random(20241231))
    password: str | None = None
    home: HomePage | None = None
    sections: dict = field(default_factory=dict)
    logins: dict = field(default_factory=dict)

    def log(self, message):
        if self.stdout is not None:
            self.stdout.write(self.style.SUCCESS(message) if self.style else message)

    def login(self, username):
        """A demo login, or None when the demo was built without DEMO_PASSWORD."""
        return self.logins.get(username)


def invented_name(rng):
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def person(username, display_name, role=None):
    """A user who cannot log in (no usable password): the invented people of the demo."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": display_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def seed_site(ctx):
    ctx.home, ctx.sections = build_site()
    ctx.log(f"Site: home page and {len(ctx.sections)} sections")


def seed_logins(ctx):
    ctx.password = os.environ.get("DEMO_PASSWORD") or None
    if not ctx.password:
        ctx.log("No DEMO_PASSWORD set: no demo logins created")
        return
    User = get_user_model()
    for username, (role, name) in DEMO_LOGINS.items():
        user, _created = User.objects.get_or_create(username=username)
        user.first_name = name
        user.email = f"{username}@example.com"
        user.is_staff = role == roles.MANAGER
        user.set_password(ctx.password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        ctx.logins[username] = user
    ctx.log(f"Demo logins: {', '.join(DEMO_LOGINS)} (password from DEMO_PASSWORD)")


def seed(ctx):
    seed_site(ctx)
    seed_logins(ctx)
