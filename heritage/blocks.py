"""StreamField blocks of craft and lesson pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class LessonStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step"), max_length=120)
    text = blocks.RichTextBlock(label=_("What to do"), features=["bold", "italic", "ul", "ol"])
    image = ImageBlock(label=_("Image"), required=False)
    tip = blocks.CharBlock(label=_("Tip for the teacher"), required=False, max_length=200)

    class Meta:
        icon = "list-ol"
        template = "heritage/blocks/lesson_step_block.html"
        preview_value = {
            "title": "折布",
            "text": "<p>把白布对折成小方块，用夹子夹紧。</p>",
            "tip": "提醒孩子夹子要夹在布边。",
        }
        description = _("One step of the lesson, with an optional picture")
        label = _("Step")


class LessonStepsBlock(blocks.StreamBlock):
    step = LessonStepBlock()

    class Meta:
        min_num = 1
        block_counts = {"step": {"min_num": 1}}


class GalleryImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        template = "heritage/blocks/gallery_image_block.html"
        description = _("A picture of the craft or its works (never of children)")
        label = _("Gallery image")
        preview_value = {"caption": "蓝印花布作品"}


class GalleryBlock(blocks.StreamBlock):
    image = GalleryImageBlock()
