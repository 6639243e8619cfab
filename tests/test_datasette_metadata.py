"""`clusters export --format sqlite --output FILE` writes FILE.metadata.json beside the
database; Datasette, started in-process with it, shows described tables, the licence, and
a membership's partner by name."""

from __future__ import annotations

import asyncio
import html
import json
from pathlib import Path

import pytest
from conftest import EXPORT_TABLES, digest, write_registry
from open_data_support import export, write_hostile

from flanders_clusters.registry import records
from flanders_clusters.registry.fields import field


def database(registry: Path, path: Path) -> dict:
    result = export(registry, "sqlite", path)
    assert result.exit_code == 0, result.stderr
    about = path.with_name(path.name + ".metadata.json")
    assert result.stderr.splitlines()[1] == (
        f"wrote {about}: its metadata for Datasette (datasette {path} -m {about})"
    )
    return json.loads(about.read_text(encoding="utf-8"))


def pages(path: Path, metadata: dict, *urls: str) -> list[str]:
    """The pages Datasette serves at ``urls``, through its in-process client."""
    from datasette.app import Datasette

    async def get() -> list[str]:
        served = Datasette([str(path)], metadata=metadata)
        out = []
        for url in urls:
            response = await served.client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            out.append(response.text)
        return out

    return asyncio.run(get())


def test_the_metadata_describes_every_table_and_column(tmp_path: Path) -> None:
    db = tmp_path / "clusters.db"
    metadata = database(write_registry(tmp_path), db)
    assert metadata["license"] == "CC BY 4.0"
    assert metadata["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "sources" in metadata["source"]
    tables = metadata["databases"]["clusters"]["tables"]
    assert list(tables) == EXPORT_TABLES
    members = tables["memberships"]
    assert members["description"] == "A membership of a partner in a cluster."
    assert members["columns"]["role"] == field(records.Member, "role").meta.help
    assert members["facets"] == ["role"]
    assert tables["partners"]["label_column"] == "name"
    assert tables["events"]["label_column"] == "title"
    assert tables["partners"]["facets"] == [
        "kind",
        "size",
        "network_role",
        "nace_version",
        "kbo_status",
    ]


@pytest.mark.slow
def test_datasette_shows_descriptions_and_partners_by_name(tmp_path: Path) -> None:
    db = tmp_path / "clusters.db"
    metadata = database(write_registry(tmp_path), db)
    table, rows = pages(
        db,
        metadata,
        "/clusters/memberships",
        "/clusters/memberships.json?_labels=on&_shape=array",
    )
    assert "A membership of a partner in a cluster." in table
    assert "CC BY 4.0" in table
    # a member row: its partner and its cluster shown by name, each a link to its row
    assert (
        '<td class="col-partner type-str"><a href="/clusters/partners/acme">Acme NV</a>'
        "&nbsp;<em>acme</em></td>"
    ) in table
    assert '<a href="/clusters/clusters/alpha">Alpha Cluster</a>' in table
    first = json.loads(rows)[0]
    assert first["partner"] == {"value": "acme", "label": "Acme NV"}


@pytest.mark.slow
def test_hostile_names_are_labels_and_escaped(tmp_path: Path) -> None:
    db = tmp_path / "hostile.db"
    metadata = database(write_hostile(tmp_path), db)
    [table] = pages(db, metadata, "/hostile/memberships?cluster=x")
    label = html.escape('" onload="window.pwned=3;alert(3)').replace("&quot;", "&#34;")
    assert f'<a href="/hostile/partners/index">{label}</a>' in table  # a label, as text
    assert 'onload="window.pwned' not in table


def test_the_metadata_is_not_written_through_a_link(tmp_path: Path) -> None:
    registry = write_registry(tmp_path)
    db = tmp_path / "clusters.db"
    secret = tmp_path / "secret.json"
    secret.write_text("{}\n")
    (tmp_path / "clusters.db.metadata.json").symlink_to(secret)
    before = digest(secret)
    result = export(registry, "sqlite", db)
    assert result.exit_code == 4
    assert "clusters.db.metadata.json: is a symbolic link" in result.stderr
    assert digest(secret) == before
