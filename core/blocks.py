"""Blocks shared by the page types of every section."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)

    class Meta:
        icon = "title"
        template = "components/blocks/heading_block.html"
        preview_value = {"text": "非遗小匠人"}
        description = _("A section heading")
        label = _("Heading")


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        template = "components/blocks/captioned_image_block.html"
        description = _("An image with an optional caption")
        label = _("Image")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "components/blocks/quote_block.html"
        preview_value = {"text": "劳动最光荣，技能最宝贵，创造最伟大。", "attribution": ""}
        description = _("A highlighted quotation")
        label = _("Quote")


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        icon="pilcrow",
        template="components/blocks/paragraph_block.html",
        preview_value="<p>劳动最光荣，技能最宝贵，创造最伟大。</p>",
        description=_("Formatted text"),
        features=["bold", "italic", "link", "ol", "ul", "h3", "h4"],
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()
