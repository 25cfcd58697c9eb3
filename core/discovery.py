"""The apps' contributions to site-wide features, found without core naming any app.

An installed app may have a module of a given name (``demo``, ``highlights``, ``benchmarks``);
``app_modules(name)`` imports each that exists, in ``INSTALLED_APPS`` order.
"""

from importlib import import_module, util

from django.apps import apps


def app_modules(name, exclude=()):
    for config in apps.get_app_configs():
        if config.name in exclude:
            continue
        module_name = f"{config.name}.{name}"
        try:
            found = util.find_spec(module_name) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            yield config, import_module(module_name)
