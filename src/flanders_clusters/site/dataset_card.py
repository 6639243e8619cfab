"""The site's open data: the data package among the downloads, and the dataset card.

``data/package/`` holds the package ``clusters export --format datapackage`` writes
(``datapackage.json`` and a CSV per table: ``formats.data_package``), made from the data
the site shows (without notes under ``--no-notes``; its findings table empty under
``--no-findings``; findings without line numbers, which the site does not know). It is a
folder of its own because ``data/partners.csv`` is already the spreadsheet CSV of
``export --what partners``, whose columns differ from the package's partners table. A
registry whose errors would break the package's keys gets no package (the overview
does not offer it).

The overview describes the downloads as a schema.org ``Dataset`` in JSON-LD (``jsonld``):
name, description, licence (CC BY 4.0), ``dateModified`` (the day judged on),
``creator``, ``isAccessibleForFree``, the attribution as ``creditText`` (the package's
``sources`` list the cited pages), and a ``DataDownload`` per file in ``data/`` with
its ``encodingFormat`` and ``contentUrl`` (absolute with ``--base-url``, else relative to
the overview).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from ..errors import BrokenKeys
from ..formats import data_package, table_schema
from ..formats.sqlite_export import breaks, finding_rows, judged
from ..registry.records import Registry

LICENCE_URL, LICENCE_NAME = table_schema.LICENCE["path"], table_schema.LICENCE_SHORT
FOLDER = "data/package/"
DESCRIPTOR = FOLDER + data_package.DESCRIPTOR
ENCODINGS = {
    ".toml": "application/toml",
    ".schema.json": "application/schema+json",
    ".json": "application/json",
    ".csv": "text/csv",
    ".ics": "text/calendar",
    ".svg": "image/svg+xml",
}


def encoding(path: str) -> str:
    """The media type of a download, by its name."""
    found = (kind for suffix, kind in ENCODINGS.items() if path.endswith(suffix))
    return next(found, "application/octet-stream")


class OpenData:
    """The package and the card of one build."""

    def __init__(self, data: Registry, on: dt.date, findings: bool, base_url: str | None) -> None:
        self.data, self.on, self.findings, self.base_url = data, on, findings, base_url

    @cached_property
    def found_rows(self) -> list[tuple] | None:
        """The rows of the findings table; None when keys would break (no package)."""
        tables = data_package.lazy_tables(self.data)
        if not self.findings:
            return None if breaks(tables) else []
        try:
            found = judged(self.data, self.on, None, "registry", tables)
        except BrokenKeys:
            return None
        return finding_rows(found)

    def files(self) -> Iterator[tuple[str, bytes]]:
        """The package's files (none when its keys would break), the descriptor last."""
        if self.found_rows is None:
            return
        for name, write in data_package.files(self.data, self.found_rows, self.on):
            buffer = io.StringIO(newline="")
            write(buffer)
            yield FOLDER + name, buffer.getvalue().encode("utf-8")

    def paths(self) -> list[str]:
        """The package's files, as paths in the site."""
        if self.found_rows is None:
            return []
        return [FOLDER + name for name in data_package.FILES]

    def offered(self, downloads: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """The overview's downloads, without the package when there is none."""
        return [
            (href, key)
            for href, key in downloads
            if self.found_rows is not None or href != DESCRIPTOR
        ]

    def jsonld(self, downloads: Iterable[str]) -> dict[str, Any]:
        """The dataset card: every file of ``downloads`` in ``data/`` and the package's."""
        package = self.paths()
        files = [path for path in downloads if path.startswith("data/")]
        files = [path for path in files if path != DESCRIPTOR or package]
        files += [path for path in package if path not in files]
        base = self.base_url or ""
        out: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": table_schema.TITLE,
            "description": table_schema.DESCRIPTION,
            "license": table_schema.LICENCE["path"],
            "creditText": table_schema.ATTRIBUTION,
            "dateModified": self.on.isoformat(),
            "creator": {"@type": "Organization", "name": table_schema.CREATOR},
            "isAccessibleForFree": True,
            "distribution": [
                {
                    "@type": "DataDownload",
                    "name": path.removeprefix("data/"),
                    "encodingFormat": encoding(path),
                    "contentUrl": base + path,
                }
                for path in files
            ],
        }
        if self.base_url:
            out["url"] = self.base_url
        return out
