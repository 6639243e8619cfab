"""``FILE.metadata.json`` beside the SQLite export: Datasette's metadata for it.

``datasette FILE -m FILE.metadata.json`` then shows the data's title, licence and source,
a description of each table and column (from the field declarations, ``table_schema``),
the column that names each row (so that a membership's partner shows as the partner's
name, a link to its row), and facets on the columns that hold one of a few values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import table_schema
from .sqlite_export import NAMES

SOURCE = "Public web pages, cited in the sources column of each cluster and event"


def path_for(database: Path) -> Path:
    """Where the metadata of ``database`` goes: ``FILE.metadata.json`` beside it."""
    return database.with_name(database.name + ".metadata.json")


def _table(name: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": table_schema.table_description(name),
        "columns": {
            column["name"]: column["description"] for column in table_schema.described_columns(name)
        },
    }
    label = table_schema.label_column(name)
    if label is not None:
        out["label_column"] = label
    facets = table_schema.choice_columns(name)
    if facets:
        out["facets"] = facets
    return out


def metadata(database: Path) -> dict[str, Any]:
    """The metadata of the database file ``database`` (Datasette names a database by
    its file name without the suffix)."""
    about = {
        "license": table_schema.LICENCE_SHORT,
        "license_url": table_schema.LICENCE["path"],
        "source": SOURCE,
    }
    return {
        "title": table_schema.TITLE,
        "description": table_schema.DESCRIPTION + " " + table_schema.ATTRIBUTION,
        **about,
        "databases": {
            database.stem: {
                "description": table_schema.DESCRIPTION,
                **about,
                "tables": {name: _table(name) for name in NAMES},
            }
        },
    }


def text(database: Path) -> str:
    return json.dumps(metadata(database), ensure_ascii=False, indent=2) + "\n"
