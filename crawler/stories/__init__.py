"""Story clusters: one event reported by many outlets (issue 10).

A leaf library (no Scrapy): ``signals`` (shingles, MinHash, LSH band keys), ``facts`` and
``names`` (what a rewrite keeps and a different event changes), ``match`` (the decision),
``index`` (what the persistent index holds; the index and story assignment themselves are the
store's transitions, ``crawler/store_stories.py``, called from ``Store.save_article``), ``report`` (``defwatch stories`` and ``export --stories``).
"""
