from django.db import migrations

from core.roles import CRAFTSMAN, MANAGER, TEACHER, all_model_permissions, grant_permissions

VIEW = [
    "view_kindergarten",
    "view_classgroup",
    "view_child",
    "view_season",
    "view_planentry",
    "view_session",
    "view_rollcall",
    "view_attendance",
]


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        schema_editor,
        "heritage",
        {
            MANAGER: all_model_permissions(apps, "heritage"),
            TEACHER: VIEW
            + [
                "add_session",
                "change_session",
                "add_sessionseries",
                "add_rollcall",
                "change_rollcall",
                "add_attendance",
                "change_attendance",
            ],
            CRAFTSMAN: [
                "view_session",
                "view_rollcall",
                "view_attendance",
                "add_rollcall",
                "change_rollcall",
                "add_attendance",
                "change_attendance",
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0002_initial"),
        ("core", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
