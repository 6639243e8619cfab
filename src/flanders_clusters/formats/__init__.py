"""File formats, each a module: the plain data of the views in, the text (or bytes) of
a format out — JSON (``json_text``), CSV (``csv_text``), Markdown (``markdown``),
Mermaid (``mermaid``), SVG (``timeline_svg``), Graphviz DOT (``dot``), iCalendar
(``ics``), the SQLite export (``sqlite_export``, which writes its database file through
``files``), git's textconv (``textconv``), unified diffs (``textdiff``: a dry run's
diff) and GitHub's workflow annotations (``github_annotations``); ``export_text``
chooses one for ``clusters export``. Nothing here draws on a terminal."""
