"""The apps' contributions to site-wide features, found without core naming any app.

An installed app may have a module of a given name (``demo``, ``highlights``, ``benchmarks``);
``app_modules(name)`` imports each that exists, in ``INSTALLED_APPS`` order.
"""

from functools import cache
from importlib import import_module, util

from django.apps import apps


@cache
def app_modules(name, exclude=()):
    """(app config, module) pairs; looked up once per process, as the home page asks on every
    visit."""
    found = []
    for config in apps.get_app_configs():
        if config.name in exclude:
            continue
        module_name = f"{config.name}.{name}"
        try:
            exists = util.find_spec(module_name) is not None
        except ModuleNotFoundError:
            exists = False
        if exists:
            found.append((config, import_module(module_name)))
    return tuple(found)
