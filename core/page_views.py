"""The views behind pages live in the apps' ``views`` modules; page models only name them.

A page model routes a request (its ``serve``, a ``RoutablePageMixin`` route, or its
``get_context``) to a view by name; the app's views module registers that view with
``@page_view(Model, "name")``, and the app config imports the views module when it is ready.
So imports run one way, views → forms and services → models, and a page model never imports
a view or a form.
"""

_registry = {}


def page_view(model, name):
    """Register the decorated function as ``model``'s view called ``name``."""

    def register(function):
        _registry[(model, name)] = function
        return function

    return register


def call_page_view(page, name, *args, **kwargs):
    """Call the view ``name`` registered for the page's class (or the nearest parent class)."""
    for cls in type(page).__mro__:
        function = _registry.get((cls, name))
        if function is not None:
            return function(*args, **kwargs)
    raise LookupError(f"No page view {name!r} is registered for {type(page).__name__}")
