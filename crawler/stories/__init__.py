"""Story clusters: one event reported by many outlets (issue 10).

A leaf library (no Scrapy): ``signals`` (shingles, MinHash, LSH band keys), ``facts`` and
``names`` (what a rewrite keeps and a different event changes), ``match`` (the decision),
``index`` (the persistent index and story assignment on the store's connection, called from
``Store.save_article``), ``report`` (``defwatch stories`` and ``export --stories``).
"""
