"""The registry file: its records, vocabulary, schema check, canonical form, key-path →
line index (``key_lines``), lookups, git revisions and store.

``store`` is the only code that reads or writes the file (``revisions`` reads it at a git
revision, through git); everything above this layer works on the parsed data (plain
dicts described by ``records``).
"""
