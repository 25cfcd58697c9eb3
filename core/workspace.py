"""The personal workspace: each app adds the tasks its roles do.

An app registers a function with Wagtail's hook registry::

    @hooks.register("register_workspace_items")
    def heritage_items(request):
        if has_role(request.user, TEACHER):
            yield WorkspaceItem(_("Take the roll"), reverse("heritage:my_week"), ...)
"""

from dataclasses import dataclass

from wagtail import hooks

HOOK_NAME = "register_workspace_items"


@dataclass(frozen=True)
class WorkspaceItem:
    title: str
    url: str
    description: str = ""
    section: str = ""
    order: int = 100


def workspace_items(request):
    items = []
    for hook in hooks.get_hooks(HOOK_NAME):
        items.extend(hook(request) or [])
    return sorted(items, key=lambda item: (item.order, str(item.title)))
