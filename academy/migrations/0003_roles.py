from django.db import migrations

from core.roles import all_model_permissions, grant_permissions


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        schema_editor,
        "academy",
        {"manager": all_model_permissions(apps, "academy")},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0002_pages_and_pairings"),
        ("core", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
