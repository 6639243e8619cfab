"""FC113: partners checked against the KBO/BCE open-data extract (``clusters enrich kbo``).

The rule reads what the last check recorded (``kbo_status``, ``kbo_checked``), so
``validate`` sees it without the extract.
"""

from __future__ import annotations

from collections.abc import Iterator

from .engine import Context, Hit, rule
from .sources import KBO_OPEN_DATA


@rule(
    "FC113",
    "enterprise-not-active",
    "warning",
    summary="A partner whose enterprise number was not found in the last KBO/BCE extract.",
    reason=(
        "The KBO/BCE open-data extract lists every active Belgian enterprise; a number "
        "missing from it belongs to an enterprise that has stopped, or is wrong "
        f"({KBO_OPEN_DATA})."
    ),
    fix=(
        "Look the number up in the KBO Public Search: correct it (update-partner "
        "--enterprise-number) and run `clusters enrich kbo` again, or end the partner's "
        "memberships if it has stopped."
    ),
)
def enterprise_not_active(ctx: Context) -> Iterator[Hit]:
    for partner_id, partner in ctx.each_partner():
        if partner.get("kbo_status") != "not-found":
            continue
        number = partner.get("enterprise_number")
        checked = partner.get("kbo_checked")
        of = f" of {checked.isoformat()}" if checked else ""
        subject = f"enterprise number {number}" if number else "its enterprise number"
        yield Hit(
            f"{subject} is not among the active enterprises of the KBO/BCE extract{of}",
            ("partners", partner_id, "kbo_status"),
            partner=partner_id,
        )
