"""The members CSV, shared by ``import-members`` and ``export --what members``.

Its columns are derived from the records: a membership's ``partner``, then the partner
fields and the membership fields declared with ``csv=True``. Cells that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-`` or ``@``, or with a tab, a
carriage return or a line feed, which a spreadsheet may skip before one: OWASP's list)
are written with a leading ``'``; import removes that one ``'`` again.
"""

from __future__ import annotations

from ..registry.fields import fields
from ..registry.records import Member, Partner

PARTNER_COLUMNS = tuple(f.key for f in fields(Partner) if f.meta.csv)
MEMBERSHIP_COLUMNS = tuple(f.key for f in fields(Member) if f.meta.csv and f.key != "partner")
MEMBER_COLUMNS = ("partner", *PARTNER_COLUMNS, *MEMBERSHIP_COLUMNS)
# ``export --what members`` writes one file for all clusters: the import columns after a
# ``cluster`` column. ``import-members CLUSTER`` takes the rows of CLUSTER from such a file.
EXPORT_MEMBER_COLUMNS = ("cluster", *MEMBER_COLUMNS)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_STARTS = frozenset(("'", *_FORMULA_STARTS))


def neutralise(cell: str) -> str:
    """A cell safe to open in a spreadsheet: formula starters get a leading ``'``.

    A value that already starts with ``'`` before a formula starter gets one more, so
    that ``restore`` gives every value back as it was.
    """
    if not cell or cell[0] not in _STARTS:  # most cells: nothing to look at further
        return cell
    return "'" + cell if cell.lstrip("'").startswith(_FORMULA_STARTS) else cell


def restore(cell: str) -> str:
    """The value of a cell written by ``neutralise``: one ``'`` less before a formula."""
    if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_STARTS):
        return cell[1:]
    return cell
