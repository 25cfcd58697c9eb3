import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.models import Certificate

__all__ = ["UserFactory", "CertificateFactory"]


class UserFactory(factory.django.DjangoModelFactory):
    """A user; ``UserFactory(role="teacher")`` puts them in that role's group."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    kind = Certificate.Kind.CONTEST
    recipient_name = "钱一鸣"
    title = "一等奖"
    details = "2024年奉化区服装裁剪技能竞赛"
