"""Changes to the registry: edits as pure functions of the data that return what they did
as data (``record_edits``, ``event_edits``, ``label_edits``, the CSV imports'
``csv_imports``, the KBO/BCE ``kbo_enrichment``), run by ``transaction`` (lock, re-read,
change, judge, write), and the file-wide ``registry_file`` (fmt, init, schema). The
sentences people read about them are written by ``terminal`` and ``cli``."""
