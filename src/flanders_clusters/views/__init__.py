"""Views of a registry, pure: parsed data and a date in, plain data out — the JSON shapes
of docs/json.md (``queries``: list, show, partners; ``timeline``, ``network``,
``stats``, ``event_rows``, ``exports``, and ``comparison``, the diff of two registries).
Writing them in a file format is ``formats``; drawing them for people, ``terminal``."""
