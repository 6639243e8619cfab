"""The registry file: its records, schema check, canonical form, line index and store.

``store`` is the only code that reads or writes the file (``revisions`` reads it at a git
revision, through git); everything above this layer works on the parsed data (plain
dicts described by ``records``).
"""
