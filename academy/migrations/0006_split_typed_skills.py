"""Skills typed with a Chinese keyboard ("打版，验片、推版") were kept as one tag: split them."""

import re

import taggit.managers
from django.db import migrations

SEPARATORS = re.compile(r"[，、；;\n\r]+")


def split_joined_tags(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    through_models = [apps.get_model("academy", "SkillTag"), apps.get_model("academy", "StudioTradeTag")]
    for tag in Tag.objects.filter(name__regex=r"[，、；;\n\r]"):
        parts = sorted({part.strip()[:100] for part in SEPARATORS.split(tag.name) if part.strip()})
        replacements = []
        for name in parts:
            replacement = Tag.objects.filter(name=name).first()
            if replacement is None:
                replacement = Tag.objects.create(name=name, slug=_free_slug(Tag, name))
            replacements.append(replacement)
        for through in through_models:
            for item in through.objects.filter(tag=tag):
                for replacement in replacements:
                    through.objects.get_or_create(content_object_id=item.content_object_id, tag=replacement)
                item.delete()
        still_used = any(
            rel.related_model.objects.filter(**{rel.field.name: tag}).exists()
            for rel in Tag._meta.related_objects
        )
        if not still_used:
            tag.delete()


def _free_slug(Tag, name):
    from django.utils.text import slugify

    base = slugify(name, allow_unicode=True) or "tag"
    slug, n = base, 1
    while Tag.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}_{n}"
    return slug


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0005_private_evidence_collection"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AlterField(
            model_name="logentry",
            name="skills",
            field=taggit.managers.TaggableManager(
                blank=True,
                help_text="Separate skills with commas, 、 or ；.",
                through="academy.SkillTag",
                to="taggit.Tag",
                verbose_name="skills practised",
            ),
        ),
        migrations.RunPython(split_joined_tags, migrations.RunPython.noop),
    ]
