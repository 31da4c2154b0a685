"""Custom expression functions, installed as stevedore plugins.

A Python package adds functions to both expression languages by declaring entry
points in the ``wfplatform.expression.functions`` namespace, as Mistral does in
``mistral.expression.functions``; each entry point is a plain callable whose first
argument is the context: the yaql context in YAQL (the parameter must be called
``context`` for yaql to pass it), the data ``_`` when called as a Jinja2
function and the piped value when used as a Jinja2 filter.

Plugins are loaded on the first evaluation, once per process. A plugin that fails
to import, is not callable or takes the name of a built-in function is logged
and left out; it never stops the other expressions from being evaluated.
"""

import dataclasses
import functools
import logging
import threading
from typing import Any, Callable, Mapping

from stevedore import extension

from wfplatform.expressions import functions

LOG = logging.getLogger(__name__)

NAMESPACE = 'wfplatform.expression.functions'

_LOCK = threading.Lock()


@dataclasses.dataclass(frozen=True, eq=False)
class Registry:
    """The custom functions of one load, by name.

    Compared and hashed by identity, so each evaluator can cache what it builds
    from one registry (a yaql context layer, a Jinja2 environment).
    """

    functions: Mapping[str, Callable[..., Any]]


def registry() -> Registry:
    """The installed custom functions, loaded on first use and then kept."""
    with _LOCK:
        return _load()


def reload() -> None:
    """Forget the loaded plugins; the next evaluation loads them again."""
    with _LOCK:
        _load.cache_clear()


def extension_manager() -> extension.ExtensionManager:
    """The stevedore manager over the namespace (tests replace this function)."""
    return extension.ExtensionManager(NAMESPACE, invoke_on_load=False,
                                      on_load_failure_callback=_load_failed)


@functools.lru_cache(maxsize=1)
def _load() -> Registry:
    try:
        manager = extension_manager()
    except Exception:
        LOG.exception('Expression function plugins (%s) could not be listed; '
                      'none are available', NAMESPACE)
        return Registry({})
    loaded = {}
    for plugin in manager:
        origin = getattr(plugin.entry_point, 'value', plugin.plugin)
        if plugin.name in functions.NAMES:
            LOG.warning('Expression function plugin %r (%s) is ignored: a '
                        'built-in function has that name', plugin.name, origin)
        elif not callable(plugin.plugin):
            LOG.warning('Expression function plugin %r (%s) is ignored: it is '
                        'not callable', plugin.name, origin)
        else:
            loaded[plugin.name] = plugin.plugin
    if loaded:
        LOG.info('Expression function plugins loaded: %s', ', '.join(sorted(loaded)))
    return Registry(loaded)


def _load_failed(manager: Any, entry_point: Any, error: BaseException) -> None:
    LOG.warning('Expression function plugin %r (%s) is ignored: it failed to '
                'load: %s', entry_point.name, entry_point.value, error)
