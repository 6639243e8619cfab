"""The members CSV, shared by ``import-members`` and ``export --what members`` (SPEC §4).

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-`` or
``@``) are written with a leading ``'``; import removes that one ``'`` again.
"""

from __future__ import annotations

MEMBER_COLUMNS = (
    "partner",
    "name",
    "kind",
    "size",
    "enterprise_number",
    "postal_code",
    "country",
    "website",
    "role",
    "since",
    "until",
)
# ``export --what members`` writes one file for all clusters: the import columns after a
# ``cluster`` column. ``import-members CLUSTER`` takes the rows of CLUSTER from such a file.
EXPORT_MEMBER_COLUMNS = ("cluster", *MEMBER_COLUMNS)
_FORMULA_STARTS = ("=", "+", "-", "@")


def neutralise(cell: str) -> str:
    """A cell safe to open in a spreadsheet: formula starters get a leading ``'``.

    A value that already starts with ``'`` before a formula starter gets one more, so
    that ``restore`` gives every value back as it was.
    """
    return "'" + cell if cell.lstrip("'").startswith(_FORMULA_STARTS) else cell


def restore(cell: str) -> str:
    """The value of a cell written by ``neutralise``: one ``'`` less before a formula."""
    if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_STARTS):
        return cell[1:]
    return cell
