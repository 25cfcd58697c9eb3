"""Blocks of the academy's pages: studio achievements and photo galleries."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class AchievementBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    year = blocks.IntegerBlock(label=_("Year"), min_value=1949, max_value=2100)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        abstract = True
        template = "academy/blocks/achievement_block.html"


class PatentBlock(AchievementBlock):
    number = blocks.CharBlock(label=_("Patent number"), required=False, max_length=60)

    class Meta:
        icon = "doc-full"
        label = _("Patent")
        description = _("A patent granted to the studio, with its year")
        preview_value = {"title": "一种高效磨削夹具", "year": 2024, "number": "ZL2024XXXXXXX.X"}


class AwardBlock(AchievementBlock):
    awarded_by = blocks.CharBlock(label=_("Awarded by"), required=False, max_length=120)

    class Meta:
        icon = "pick"
        label = _("Award")
        description = _("An award the studio won, with its year")
        preview_value = {
            "title": "市职工技术创新成果二等奖",
            "year": 2024,
            "awarded_by": "宁波市总工会",
        }


class InnovationBlock(AchievementBlock):
    class Meta:
        icon = "cogs"
        label = _("Innovation")
        description = _("A technical innovation or improvement, with its year")
        preview_value = {"title": "服装裁剪排料优化", "year": 2023, "description": "节约面料8%"}


class AchievementsBlock(blocks.StreamBlock):
    patent = PatentBlock()
    award = AwardBlock()
    innovation = InnovationBlock()


class GalleryImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Photo")
        template = "academy/blocks/gallery_image_block.html"
        description = _("A photo of the gallery, with an optional caption")


class GalleryBlock(blocks.StreamBlock):
    photo = GalleryImageBlock()
