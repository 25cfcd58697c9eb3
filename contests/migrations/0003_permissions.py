from django.db import migrations

from core.roles import MANAGER, all_model_permissions, grant_permissions


def grant(apps, schema_editor):
    grant_permissions(
        apps, schema_editor, "contests", {MANAGER: all_model_permissions(apps, "contests")}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0002_contests_and_judging"),
        ("core", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
