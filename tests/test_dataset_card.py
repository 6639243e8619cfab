"""The site's open data: the data package in `data/package/` (the export's, valid), the
licence beside the downloads, and the overview's schema.org `Dataset` in JSON-LD with a
`distribution` per file in `data/`, each resolving in the built site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SHIPPED_DATA, run, write_registry
from open_data_support import ON, export, validate, write_hostile

LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def site(registry: Path, out: Path, *args: str) -> Path:
    result = run("--registry", str(registry), "site", str(out), "--on", ON, *args)
    assert result.exit_code == 0, result.stderr
    return out


def datasets(out: Path) -> list[dict]:
    html = (out / "index.html").read_text(encoding="utf-8")
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [item for item in map(json.loads, found) if item.get("@type") == "Dataset"]


def data_files(out: Path) -> list[str]:
    return sorted(
        str(path.relative_to(out)) for path in (out / "data").rglob("*") if path.is_file()
    )


def assert_card_describes_every_file(out: Path, base: str = "") -> dict:
    [card] = datasets(out)
    assert card["@context"] == "https://schema.org"
    assert card["name"] and len(card["description"]) >= 50
    assert card["license"] == LICENCE
    assert card["isAccessibleForFree"] is True
    assert card["dateModified"] == ON
    assert card["creator"]["@type"] == "Organization"
    urls = [item["contentUrl"] for item in card["distribution"]]
    assert len(urls) == len(set(urls))
    assert sorted(url.removeprefix(base) for url in urls) == data_files(out)
    for item in card["distribution"]:
        assert item["@type"] == "DataDownload" and item["encodingFormat"]
        assert (out / item["contentUrl"].removeprefix(base)).is_file()  # it resolves
    kinds = {
        item["contentUrl"].rsplit(".", 1)[-1]: item["encodingFormat"]
        for item in card["distribution"]
    }
    assert kinds["csv"] == "text/csv" and kinds["toml"] == "application/toml"
    return card


@pytest.mark.slow
def test_the_overview_carries_a_dataset_card_of_every_download(tmp_path: Path) -> None:
    out = site(SHIPPED_DATA, tmp_path / "site")
    assert_card_describes_every_file(out)
    assert "data/package/datapackage.json" in data_files(out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert (
        f'The data is published under the licence <a href="{LICENCE}">CC BY 4.0</a>, with the '
        "sources each cluster and event cites as attribution."
    ) in html
    assert '<a href="data/package/datapackage.json">' in html


def test_with_a_base_url_the_addresses_are_absolute(tmp_path: Path) -> None:
    base = "https://example.org/clusters/"
    out = site(write_registry(tmp_path), tmp_path / "site", "--base-url", base)
    card = assert_card_describes_every_file(out, base)
    assert card["url"] == base
    assert all(item["contentUrl"].startswith(base) for item in card["distribution"])


@pytest.mark.slow
def test_the_site_carries_the_exports_data_package(tmp_path: Path) -> None:
    registry = write_hostile(tmp_path)
    out = site(registry, tmp_path / "site")
    package = out / "data" / "package"
    report = validate(package / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "type", "message"])
    exported = tmp_path / "exported"
    assert export(registry, "datapackage", exported).exit_code == 0
    names = sorted(path.name for path in exported.iterdir())
    assert sorted(path.name for path in package.iterdir()) == names
    for name in names:
        if name != "findings.csv":  # the site's findings carry no line numbers
            assert (package / name).read_bytes() == (exported / name).read_bytes(), name
    header = (exported / "findings.csv").read_bytes().split(b"\r\n")[0]
    assert (package / "findings.csv").read_bytes().startswith(header + b"\r\n")


def test_without_findings_the_package_has_an_empty_findings_table(tmp_path: Path) -> None:
    out = site(write_registry(tmp_path), tmp_path / "site", "--no-findings")
    findings = (out / "data" / "package" / "findings.csv").read_bytes()
    assert (
        findings == b"id,code,rule,severity,profile,message,cluster,partner,event,path,line,fix\r\n"
    )


def test_a_registry_whose_keys_break_gets_no_package(tmp_path: Path) -> None:
    registry = write_registry(tmp_path)
    text = registry.read_text().replace('{ partner = "acme" }', '{ partner = "nobody" }')
    registry.write_text(text)
    out = site(registry, tmp_path / "site")
    assert not (out / "data" / "package").exists()
    card = assert_card_describes_every_file(out)
    assert not any("package" in item["contentUrl"] for item in card["distribution"])
    assert "datapackage.json" not in (out / "index.html").read_text(encoding="utf-8")
