"""`enrich kbo` and an extract older than the last check: refused (exit 4, `kbo-older`)
unless `--allow-older`.

What it once broke: an older extract turned a partner recorded `not-found` back to
`active` and dropped its FC113 warning, without a word.
"""

from __future__ import annotations

from pathlib import Path

from conftest import digest, write_registry
from test_kbo import GONE, REGISTRY, SNAPSHOT, N, enrich, extract, partners

# Dura was found missing by a newer extract than the one at hand (SNAPSHOT).
NEWER = REGISTRY.replace(
    f'enterprise_number = "{N["dura"]}"\n',
    f'enterprise_number = "{N["dura"]}"\nkbo_status = "not-found"\nkbo_checked = 2026-12-01\n',
)


def test_an_older_extract_is_refused_and_the_registry_is_untouched(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, NEWER)
    kept = digest(registry)

    result = enrich(tmp_path, extract(tmp_path), "--json")

    assert result.exit_code == 4
    error = result.json()["error"]
    assert error["code"] == "kbo-older"
    assert error["message"] == (
        f"the extract's snapshot of {SNAPSHOT} is older than the last check of 1 partner: "
        "dura (2026-12-01); nothing was written"
    )
    assert error["fix"] == "use the newest extract, or pass --allow-older to record this one anyway"
    assert digest(registry) == kept


def test_the_refusal_in_text_names_the_fix(tmp_path: Path) -> None:
    write_registry(tmp_path, NEWER)
    result = enrich(tmp_path, extract(tmp_path))
    assert result.exit_code == 4
    assert result.stderr.startswith("error: the extract's snapshot of 2026-11-07 is older")
    assert "fix: use the newest extract, or pass --allow-older" in result.stderr


def test_allow_older_records_the_older_extract(tmp_path: Path) -> None:
    write_registry(tmp_path, NEWER)

    result = enrich(tmp_path, extract(tmp_path), "--allow-older", "--json")

    assert result.exit_code == 0, result.stdout
    assert result.json()["changed"] is True
    dura = partners(tmp_path)["dura"]
    assert dura["kbo_status"] == "active"
    assert dura["kbo_checked"].isoformat() == SNAPSHOT


def test_the_same_extract_again_is_not_older(tmp_path: Path) -> None:
    enrich(tmp_path, extract(tmp_path))
    again = enrich(tmp_path, extract(tmp_path), "--json")
    assert again.exit_code == 0
    assert again.json()["changed"] is False


def test_a_partner_the_extract_does_not_speak_of_is_not_judged(tmp_path: Path) -> None:
    """A later check of a partner with no number now is none of this extract's concern."""
    text = REGISTRY.replace(
        '[partners.echo]\nname = "Echo Systems BV"\nkind = "company"\n',
        '[partners.echo]\nname = "Echo Systems BV"\nkind = "company"\nkbo_checked = 2026-12-01\n',
    )
    registry = write_registry(tmp_path, text)
    result = enrich(tmp_path, extract(tmp_path), "--json")
    assert result.exit_code == 0, result.stdout
    assert GONE in registry.read_text("utf-8")
