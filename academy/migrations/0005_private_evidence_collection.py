from django.db import migrations

EVIDENCE_COLLECTION = "学徒成长证据（不公开）"


def make_private(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    Restriction = apps.get_model("wagtailcore", "CollectionViewRestriction")
    Group = apps.get_model("auth", "Group")
    for collection in Collection.objects.filter(name=EVIDENCE_COLLECTION):
        if Restriction.objects.filter(collection=collection).exists():
            continue
        restriction = Restriction.objects.create(collection=collection, restriction_type="groups")
        restriction.groups.set(Group.objects.filter(name="manager"))


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0004_activity_calendar_sequence"),
        ("wagtailcore", "0098_apitoken"),
        ("core", "0002_roles"),
    ]

    operations = [migrations.RunPython(make_private, migrations.RunPython.noop)]
