"""crawler/startup.py: Scrapy's TLS modules imported without inspect.stack(), with the same result."""
from __future__ import annotations

import subprocess
import sys

CHECK = """
import inspect, sys
from crawler.startup import import_download_modules
import_download_modules()
import scrapy.utils.deprecate
from scrapy.core.downloader import contextfactory, tls
assert scrapy.utils.deprecate.inspect is inspect
print(tls.ScrapyClientTLSOptions.__module__, contextfactory.ScrapyClientContextFactory.__module__,
      contextfactory.AcceptableProtocolsContextFactory.__module__)
"""


def test_deprecated_aliases_keep_their_module_names():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["scrapy.core.downloader.tls", "scrapy.core.downloader.contextfactory",
                   "scrapy.core.downloader.contextfactory"]


def test_frame_inspect_names_the_calling_module():
    from crawler.startup import _FrameInspect

    def who_calls() -> str:
        frame = _FrameInspect.stack()[1][0]
        return _FrameInspect.getmodule(frame).__name__

    assert who_calls() == __name__
    assert _FrameInspect.getmodule(test_frame_inspect_names_the_calling_module) is sys.modules[__name__]
