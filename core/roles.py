"""The platform's roles. Each is a Django group; what a member may touch comes from the data."""

from django.utils.translation import gettext_lazy as _

MANAGER = "manager"
TEACHER = "teacher"
CRAFTSMAN = "craftsman"
MENTOR = "mentor"
APPRENTICE = "apprentice"
ORGANIZER = "organizer"
JUDGE = "judge"

ROLE_LABELS = {
    MANAGER: _("Academy manager"),
    TEACHER: _("Kindergarten teacher"),
    CRAFTSMAN: _("Heritage craftsman"),
    MENTOR: _("Mentor"),
    APPRENTICE: _("Apprentice"),
    ORGANIZER: _("Contest organizer"),
    JUDGE: _("Judge"),
}
ROLES = tuple(ROLE_LABELS)

ROLE_DESCRIPTIONS = {
    MANAGER: _("Edit the public site, oversee every section and read the reports."),
    TEACHER: _("Schedule heritage classes for your kindergarten and take the roll."),
    CRAFTSMAN: _("See where you teach next and what lesson, and take the roll of your classes."),
    MENTOR: _("Log your apprentices' sessions and follow their progress against the plan."),
    APPRENTICE: _("Read your logbook, add your reflections and confirm your mentor's entries."),
    ORGANIZER: _("Register entrants, assign judges and publish the results of your contests."),
    JUDGE: _("Enter the scores of the entrants assigned to you."),
}


def user_roles(user):
    """The role names of a user, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | {MANAGER}
        user._role_names = cached
    return cached


def has_role(user, *roles):
    return bool(user_roles(user) & set(roles))


def is_manager(user):
    return has_role(user, MANAGER)


def ensure_permissions(apps, *app_labels):
    """Create the model permissions of apps now (Django only does it after all migrations)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        if app_labels and app_config.label not in app_labels:
            continue
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant_permissions(apps, schema_editor, app_label, grants):
    """Give roles model permissions from a data migration.

    ``grants`` maps a role name to a list of permission codenames of ``app_label``.
    Permissions are created first, since Django only creates them after all migrations ran.
    """
    ensure_permissions(apps, app_label)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in grants.items():
        group, _created = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*perms)


def all_model_permissions(apps, app_label):
    """Every add/change/delete/view codename of an app's models, for the manager role."""
    codenames = []
    for model in apps.get_app_config(app_label).get_models():
        name = model._meta.model_name
        codenames += [f"{action}_{name}" for action in ("add", "change", "delete", "view")]
    return codenames


def manager_emails():
    """The addresses of the active managers who have one: whom the reminders and reports go to."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(groups__name=MANAGER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
