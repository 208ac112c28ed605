"""Start-up costs of Scrapy that a one-off crawl pays every time, and how we avoid them.

Scrapy 2.19's ``create_deprecated_class`` names the module of each deprecated alias with
``inspect.stack()``, which builds a ``FrameInfo`` for every frame of the import stack, reading
each frame's source lines, and then ``inspect.getmodule``, which indexes every loaded module by
file name. Importing ``scrapy.core.downloader.tls`` and ``...contextfactory`` (three aliases;
the HTTP download handler imports both when the engine starts) cost about 60 ms of CPU that way,
close to a tenth of an idle pass over 1,000 feeds. ``import_download_modules`` imports them
while ``scrapy.utils.deprecate`` sees an ``inspect`` whose ``stack`` returns only the frames it
reads and whose ``getmodule`` takes a frame's module from its globals: the aliases get the same
``__module__`` as before, and ``scrapy.utils.deprecate.inspect`` is the real module again after.
"""
from __future__ import annotations

import inspect
import sys
import types
from contextlib import contextmanager
from typing import Any


class _FrameInspect:
    """``inspect`` for ``create_deprecated_class``: ``stack()[1][0]`` and ``getmodule(frame)``, cheaply."""

    def __getattr__(self, name: str) -> Any:
        return getattr(inspect, name)

    @staticmethod
    def stack(context: int = 1) -> list[tuple[types.FrameType | None]]:
        caller = sys._getframe(1)  # the function that asked for the stack
        return [(caller,), (caller.f_back,)]

    @staticmethod
    def getmodule(obj: Any, _filename: str | None = None) -> types.ModuleType | None:
        if isinstance(obj, types.FrameType):
            return sys.modules.get(obj.f_globals.get("__name__", ""))
        return inspect.getmodule(obj, _filename)


@contextmanager
def _frame_inspect() -> Any:
    from scrapy.utils import deprecate

    setattr(deprecate, "inspect", _FrameInspect())  # noqa: B010 - a module global of Scrapy's, restored below
    try:
        yield
    finally:
        setattr(deprecate, "inspect", inspect)  # noqa: B010


def import_download_modules() -> None:
    """Import the modules of Scrapy's HTTP download handler without ``inspect.stack()``."""
    if "scrapy.core.downloader.contextfactory" in sys.modules:
        return
    with _frame_inspect():
        import scrapy.core.downloader.contextfactory  # noqa: F401
        import scrapy.core.downloader.tls  # noqa: F401
