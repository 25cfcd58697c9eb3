"""The Wagtail admin keeps every role in the scope the workspace gives it.

Wagtail opens its snippet choosers to anyone who may reach the admin, and its image and
document policies know collections, not roles. Here:

- ``ScopedPermissionPolicy``: Django's model permissions (from the role's group), narrowed to
  the rows of the model's ``for_user`` scope, the same queryset every workspace view uses.
  Each admin viewset registers it for its model, so listings, object views and choosers ask it.
- ``ScopedSnippetViewSet``: a snippet viewset whose listing, object views and chooser go
  through that policy: a model the user holds no permission on is refused (403), a row outside
  the scope is not found (404) and never listed.
- ``PrivateCollectionsPolicy``: images and documents in a collection with a privacy
  restriction (evidence photos, children's photos) exist only for managers, and no chooser
  offers them, so no page can embed them.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from wagtail.models import Collection, CollectionViewRestriction
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import SnippetViewSet

from .roles import is_manager

ANY_ACTION = ("add", "change", "delete", "view")


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions as the groups grant them; rows as ``Model.objects.for_user`` scopes."""

    def scoped(self, user):
        rows = self.model._default_manager.all()
        for_user = getattr(rows, "for_user", None)
        return for_user(user) if for_user is not None else rows

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.scoped(user)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return (
            self.user_has_any_permission(user, actions)
            and self.scoped(user).filter(pk=instance.pk).exists()
        )

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)


def scoped_rows(model, user):
    """The rows of ``model`` a user may see in the admin (none without a permission)."""
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(
        user, ANY_ACTION
    )


class ScopedObjectMixin:
    """An admin view of one object: 404 when the object lies outside the user's scope."""

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        if not scoped_rows(type(instance), self.request.user).filter(pk=instance.pk).exists():
            raise Http404
        return instance


class ScopedChooserMixin:
    """A chooser that lists, searches and returns only rows inside the user's scope."""

    def dispatch(self, request, *args, **kwargs):
        policy = policy_registry.get_by_type(self.model_class)
        if not policy.user_has_any_permission(request.user, ANY_ACTION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object_list(self):
        return scoped_rows(self.model_class, self.request.user)

    def get_object(self, pk):
        return scoped_rows(self.model_class, self.request.user).get(pk=pk)

    def get_objects(self, pks):
        return scoped_rows(self.model_class, self.request.user).filter(pk__in=pks)


class ScopedChooseView(ScopedChooserMixin, snippet_chooser.ChooseView):
    pass


class ScopedChooseResultsView(ScopedChooserMixin, snippet_chooser.ChooseResultsView):
    pass


class ScopedChosenView(ScopedChooserMixin, snippet_chooser.SnippetChosenView):
    pass


class ScopedChosenMultipleView(ScopedChooserMixin, snippet_chooser.SnippetChosenMultipleView):
    pass


class ScopedCreateView(ScopedChooserMixin, snippet_chooser.SnippetCreateView):
    pass


class ScopedSnippetChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView
    create_view_class = ScopedCreateView


def _scoped(view_class):
    return type(f"Scoped{view_class.__name__}", (ScopedObjectMixin, view_class), {})


class ScopedSnippetViewSet(SnippetViewSet):
    """A snippet viewset that shows each user only the rows of their scope."""

    chooser_viewset_class = ScopedSnippetChooserViewSet
    edit_view_class = _scoped(SnippetViewSet.edit_view_class)
    delete_view_class = _scoped(SnippetViewSet.delete_view_class)
    copy_view_class = _scoped(SnippetViewSet.copy_view_class)
    usage_view_class = _scoped(SnippetViewSet.usage_view_class)
    history_view_class = _scoped(SnippetViewSet.history_view_class)
    inspect_view_class = _scoped(SnippetViewSet.inspect_view_class)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not isinstance(
            policy_registry.get_by_type(self.model, fallback=False), ScopedPermissionPolicy
        ):
            register_permission_policy(
                self.model, ScopedPermissionPolicy(self.model), exact_class=True
            )

    def get_queryset(self, request):
        return scoped_rows(self.model, request.user)


def private_collections():
    """Collections with a privacy restriction, and every collection below one."""
    restricted = Collection.objects.filter(
        pk__in=CollectionViewRestriction.objects.values("collection_id")
    )
    private = Collection.objects.none()
    for collection in restricted:
        private = private | Collection.objects.descendant_of(collection, inclusive=True)
    return private


class PrivateCollectionsPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's image and document policy, with private collections for managers only."""

    def _hides(self, user):
        return not is_manager(user)

    def instances_user_has_any_permission_for(self, user, actions):
        rows = super().instances_user_has_any_permission_for(user, actions)
        if self._hides(user):
            rows = rows.exclude(collection__in=private_collections())
        return rows

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if self._hides(user) and private_collections().filter(pk=instance.collection_id).exists():
            return False
        return super().user_has_any_permission_for_instance(user, actions, instance)

    def collections_user_has_any_permission_for(self, user, actions):
        collections = super().collections_user_has_any_permission_for(user, actions)
        if self._hides(user):
            collections = collections.exclude(pk__in=private_collections())
        return collections

    def collections_user_has_permission_for(self, user, action):
        return self.collections_user_has_any_permission_for(user, [action])


def hide_private_media(rows, request):
    """Choosers put images and documents into pages: private ones are never offered."""
    return rows.exclude(collection__in=private_collections())
