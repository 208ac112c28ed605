"""Imported by the fork server alone (last of ``crawler.offload.PRELOAD``): warms the worker state.

Every worker is a fork of the fork server, so what is built here once (``crawler.offload.warm_up``:
the language model, the parsers' and patterns' caches) every worker has from its first page on,
and shares with the others until it writes to it.
"""
from __future__ import annotations

from crawler.offload import warm_up

try:
    warm_up()
except Exception:  # noqa: BLE001 - a failed warm-up only means workers that start cold
    pass
