"""clusters: the registry of the Flemish innovation cluster programme (FI&E / VLAIO).

The package is a stack of layers, each a package named for what it holds; each imports
only the layers below it (``tests/test_architecture.py`` checks every import):

    errors      typed failures and their exit codes
    files       the file system, treated as hostile; the one durable write
    registry    the registry file: records, vocabulary, schema check, canonical form, store
    external    readers of outside data: the KBO/BCE extract, CSV tables, country names
    programme   the programme's rules, pure
    views       data shaping: the JSON shapes
    formats     file formats: JSON text, CSV, Markdown, Mermaid, SVG, DOT, ICS, SQLite, …
    terminal    rendering for people, with rich
    changes     edits that return data, and the transaction that writes them
    site        the static site (beside ``changes``, independent of it)
    cli         the commands
"""

__version__ = "0.1.0"
