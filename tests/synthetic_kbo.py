"""Synthetic KBO/BCE open-data extracts, in the layout of the monthly full extract.

Shared by the tests (``test_kbo.py``, ``test_help_examples.py``) and the benchmark
(``benchmarks/run.py``, check ``kbo``). Nothing here is real data: numbers, names and
addresses are made up, with valid check digits.

The layout is that of ``KboOpenData_<n>_<yyyy>_<mm>_Full.zip``: ``meta.csv``, ``code.csv``,
``enterprise.csv``, ``establishment.csv``, ``denomination.csv``, ``address.csv``,
``contact.csv`` and ``activity.csv``, comma-separated, every non-empty cell quoted, dates
``dd-mm-yyyy``. Like the files it imitates at their worst, each starts with a UTF-8
byte-order mark and ends its lines with CRLF; names have quotes and commas in them, and
Dutch, French, German and English names; some seats are abroad, some addresses are
struck off; activities come in NACE 2003, 2008 and 2025; ``malformed`` lines can be put
in any file.

Two sources of rows: a list of ``Enterprise`` records written as given (the tests), or
``Synthetic(count)``, which makes ``count`` enterprises from their index alone, so that a
realistic extract (about 2 million enterprises and 5 million activity rows) is written
file by file without holding it in memory::

    python tests/synthetic_kbo.py OUT.zip [--enterprises 2000000] [--folder]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGE_CODES = {"fr": "1", "nl": "2", "de": "3", "en": "4"}
HEADERS = {
    "meta.csv": ("Variable", "Value"),
    "code.csv": ("Category", "Code", "Language", "Description"),
    "enterprise.csv": (
        "EnterpriseNumber",
        "Status",
        "JuridicalSituation",
        "TypeOfEnterprise",
        "JuridicalForm",
        "JuridicalFormCAC",
        "StartDate",
    ),
    "establishment.csv": ("EstablishmentNumber", "StartDate", "EnterpriseNumber"),
    "denomination.csv": ("EntityNumber", "Language", "TypeOfDenomination", "Denomination"),
    "address.csv": (
        "EntityNumber",
        "TypeOfAddress",
        "CountryNL",
        "CountryFR",
        "Zipcode",
        "MunicipalityNL",
        "MunicipalityFR",
        "StreetNL",
        "StreetFR",
        "HouseNumber",
        "Box",
        "ExtraAddressInfo",
        "DateStrikingOff",
    ),
    "contact.csv": ("EntityNumber", "EntityContact", "ContactType", "Value"),
    "activity.csv": ("EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification"),
}
FILES = tuple(HEADERS)
# code.csv: the Language codes described in each language, and a few other categories.
CODES = [
    *(
        ("Language", code, language, description)
        for code, descriptions in {
            "1": ("Frans", "Français", "Französisch", "French"),
            "2": ("Nederlands", "Néerlandais", "Niederländisch", "Dutch"),
            "3": ("Duits", "Allemand", "Deutsch", "German"),
            "4": ("Engels", "Anglais", "Englisch", "English"),
        }.items()
        for language, description in zip(("NL", "FR", "DE", "EN"), descriptions, strict=True)
    ),
    ("TypeOfAddress", "REGO", "NL", "Maatschappelijke zetel"),
    ("TypeOfAddress", "REGO", "FR", "Siège"),
    ("TypeOfAddress", "BAET", "NL", "Vestigingseenheid"),
    ("TypeOfDenomination", "001", "NL", "Naam"),
    ("TypeOfDenomination", "001", "FR", "Dénomination"),
    ("TypeOfDenomination", "002", "NL", "Afkorting"),
    ("TypeOfDenomination", "003", "NL", "Commerciële naam"),
    ("Classification", "MAIN", "NL", "Hoofdactiviteit"),
    ("Classification", "SECO", "NL", "Nevenactiviteit"),
    ("ActivityGroup", "001", "NL", "BTW-activiteiten"),
    ("ActivityGroup", "003", "NL", "RSZ-activiteiten"),
    ("Nace2008", "62010", "NL", "Ontwerpen en programmeren van computerprogramma's"),
    ("Nace2025", "6210001", "NL", 'Computerprogrammering, ontwerpen, sommige "diensten"'),
    ("JuridicalForm", "014", "NL", "Naamloze vennootschap"),
    ("JuridicalForm", "610", "NL", "Besloten vennootschap"),
]


def enterprise_number(index: int) -> str:
    """The ``index``-th made-up enterprise number, with valid check digits (0200.000.049…)."""
    eight = 2_000_000 + 3 * index
    digits = f"{eight:08d}{97 - eight % 97:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def day(date: dt.date) -> str:
    return date.strftime("%d-%m-%Y")


@dataclass
class Address:
    """An address row; a seat abroad gives CountryNL and CountryFR (empty for Belgium)."""

    zipcode: str = ""
    municipality_nl: str = ""
    municipality_fr: str = ""
    street_nl: str = ""
    street_fr: str = ""
    house_number: str = ""
    box: str = ""
    extra: str = ""
    country_nl: str = ""
    country_fr: str = ""
    struck: dt.date | None = None
    kind: str = "REGO"

    def row(self, number: str) -> list[str]:
        return [
            number,
            self.kind,
            self.country_nl,
            self.country_fr,
            self.zipcode,
            self.municipality_nl,
            self.municipality_fr,
            self.street_nl,
            self.street_fr,
            self.house_number,
            self.box,
            self.extra,
            day(self.struck) if self.struck else "",
        ]


@dataclass
class Enterprise:
    """One enterprise as the extract writes it."""

    number: str
    # (language: nl, fr, de, en or a code as written, type 001/002/003, text)
    names: list[tuple[str, str, str]] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    # (ActivityGroup, NaceVersion, NaceCode, Classification)
    activities: list[tuple[str, str, str, str]] = field(default_factory=list)
    start: dt.date = dt.date(2001, 1, 1)
    form: str = "014"
    legal_person: bool = True


def rows_of(enterprises: Sequence[Enterprise], name: str) -> Iterator[list[str]]:
    """The rows of one file for a list of enterprises."""
    for e in enterprises:
        if name == "enterprise.csv":
            kind = "2" if e.legal_person else "1"
            yield [e.number, "AC", "000", kind, e.form if e.legal_person else "", "", day(e.start)]
        elif name == "denomination.csv":
            for language, kind, text in e.names:
                yield [e.number, LANGUAGE_CODES.get(language, language), kind, text]
        elif name == "address.csv":
            yield from (address.row(e.number) for address in e.addresses)
        elif name == "activity.csv":
            yield from ([e.number, *activity] for activity in e.activities)


# -- a realistic extract, made from the index of each enterprise ---------------------------

# fmt: off
WORDS = (
    "Vlaamse", "Bakkerij", "Logistiek", "Techniek", "Bouw", "Consult", "Metaal", "Chemie",
    "Voeding", "Energie", "Haven", "Transport", "Services", "Solutions", "Atelier",
    "Brasserie", "Immo", "Invest", "Medical", "Digital", "Green", "Agro",
)
FRENCH = (
    "Société", "Boulangerie", "Transports", "Conseil", "Construction", "Énergie", "Santé",
    "Ingénierie",
)
# fmt: on
TOWNS = (
    ("9000", "Gent", "Gand"),
    ("2000", "Antwerpen", "Anvers"),
    ("3000", "Leuven", "Louvain"),
    ("8000", "Brugge", "Bruges"),
    ("1000", "Brussel", "Bruxelles"),
    ("4000", "Luik", "Liège"),
    ("3500", "Hasselt", "Hasselt"),
    ("8500", "Kortrijk", "Courtrai"),
)
ABROAD = (
    ("Frankrijk", "France", "75008", "Parijs", "Paris"),
    ("Nederland", "Pays-Bas", "4811 AA", "Breda", "Breda"),
    ("Luxemburg", "Luxembourg", "L-1855", "Luxemburg", "Luxembourg"),
    ("Duitsland", "Allemagne", "52062", "Aken", "Aix-la-Chapelle"),
)
NACE_2008 = ("62010", "46900", "41201", "70220", "10711", "49410", "71121", "56101")
NACE_2025 = ("6210001", "4690001", "4120101", "7020001", "1071101", "4941001")


def mix(index: int) -> int:
    """A hash of an index whose every bit varies (splitmix64's finaliser)."""
    z = (index * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


class Synthetic:
    """``count`` enterprises, each made from its index (the same every time)."""

    def __init__(self, count: int) -> None:
        self.count = count

    def rows(self, name: str) -> Iterator[list[str]]:
        make = {
            "enterprise.csv": self._enterprise,
            "denomination.csv": self._denominations,
            "address.csv": self._addresses,
            "activity.csv": self._activities,
            "establishment.csv": self._establishments,
            "contact.csv": self._contacts,
        }[name]
        for index in range(self.count):
            yield from make(index, enterprise_number(index), mix(index))

    @staticmethod
    def _enterprise(index: int, number: str, h: int) -> Iterator[list[str]]:
        legal = h % 5 < 3  # the same test in _addresses: natural persons have none
        start = f"{1 + (h >> 8) % 28:02d}-{1 + (h >> 16) % 12:02d}-{1950 + (h >> 24) % 75}"
        yield [number, "AC", "000", "2" if legal else "1", "014" if legal else "", "", start]

    @staticmethod
    def _denominations(index: int, number: str, h: int) -> Iterator[list[str]]:
        word = WORDS[(h >> 8) % len(WORDS)]
        other = WORDS[(h >> 16) % len(WORDS)]
        french = (h >> 24) % 20 < 7
        dutch = f"{word} {other} {index} NV"
        if (h >> 32) % 50 == 0:
            yield [number, "2", "001", f'Bakkerij "{other}", {word} {index} BV']
        elif french:
            yield [number, "1", "001", f"{FRENCH[(h >> 8) % len(FRENCH)]} {other} {index} SRL"]
        else:
            yield [number, "2", "001", dutch]
        extra = (h >> 40) % 100
        if extra < 10:  # bilingual: its name in the other language too
            if french:
                yield [number, "2", "001", dutch]
            else:
                yield [number, "1", "001", f"{FRENCH[(h >> 8) % len(FRENCH)]} {other} {index} SA"]
        elif extra == 10:
            yield [number, "3", "001", f"{word} {other} {index} GmbH"]
        elif extra == 11:
            yield [number, "4", "001", f"{word} {other} {index} Ltd"]
        if (h >> 48) % 7 == 0:
            yield [number, "2", "002", f"{word[:3].upper()}{index % 1000}"]
        if (h >> 52) % 9 == 0:
            yield [number, "2", "003", f"{other}, {word} & Co"]

    @staticmethod
    def _addresses(index: int, number: str, h: int) -> Iterator[list[str]]:
        if h % 5 >= 3:
            return  # natural persons: no address in the open data
        struck = f"{1 + (h >> 8) % 28:02d}-0{1 + (h >> 16) % 9}-2024" if (h >> 56) % 97 == 5 else ""
        number_in_street = str(1 + (h >> 24) % 250)
        if (h >> 32) % 100 == 7:
            country_nl, country_fr, code, town_nl, town_fr = ABROAD[(h >> 40) % len(ABROAD)]
            street = "Rue de la Paix"
            yield [number, "REGO", country_nl, country_fr, code, town_nl, town_fr,
                   street, street, number_in_street, "", "", struck]  # fmt: skip
            return
        code, town_nl, town_fr = TOWNS[(h >> 40) % len(TOWNS)]
        street = f"{WORDS[(h >> 44) % len(WORDS)]}straat"
        box = f"bus {(h >> 48) % 9}" if (h >> 50) % 6 == 0 else ""
        yield [number, "REGO", "", "", code, town_nl, town_fr, street, street,
               number_in_street, box, "", struck]  # fmt: skip

    @staticmethod
    def _activities(index: int, number: str, h: int) -> Iterator[list[str]]:
        count = 1 + (h >> 8) % 4  # 1 to 4 rows: 2.5 per enterprise
        yield [number, "001", "2008", NACE_2008[(h >> 16) % len(NACE_2008)], "MAIN"]
        if count > 1:
            yield [number, "001", "2008", NACE_2008[(h >> 24) % len(NACE_2008)], "SECO"]
        if count > 2:
            yield [number, "003", "2025", NACE_2025[(h >> 32) % len(NACE_2025)], "MAIN"]
        if count > 3:
            yield [number, "001", "2025", NACE_2025[(h >> 40) % len(NACE_2025)], "MAIN"]
        if (h >> 48) % 17 == 0:
            yield [number, "001", "2003", "72220", "MAIN"]

    @staticmethod
    def _establishments(index: int, number: str, h: int) -> Iterator[list[str]]:
        if h % 8 == 0:
            yield [f"2.{index // 1_000_000:03d}.{index // 1000 % 1000:03d}.{index % 1000:03d}",
                   "01-01-2010", number]  # fmt: skip

    @staticmethod
    def _contacts(index: int, number: str, h: int) -> Iterator[list[str]]:
        if h % 10 == 0:
            yield [number, "ENT", "WEB", f"www.example-{index}.be"]


# -- writing ----------------------------------------------------------------------------------


def line(cells: Iterable[str]) -> str:
    """One CSV line as the KBO writes it: non-empty cells quoted, CRLF at the end."""
    return ",".join('"' + c.replace('"', '""') + '"' if c else "" for c in cells) + "\r\n"


def write(
    target: Path,
    source: Sequence[Enterprise] | Synthetic,
    *,
    snapshot: dt.date = dt.date(2026, 11, 7),
    number: int = 140,
    malformed: dict[str, list[str]] | None = None,
    omit: Iterable[str] = (),
    folder: bool = False,
    meta: dict[str, str] | None = None,
    level: int = 6,
) -> Path:
    """Write an extract to ``target`` (a ZIP, or a folder with ``folder=True``).

    ``malformed`` puts raw lines (without their line end) right after a file's header, so
    that they are its lines 2, 3, …; ``omit`` leaves files out; ``meta`` replaces the
    values of meta.csv. Returns ``target``.
    """
    malformed = malformed or {}
    omitted = set(omit)
    values = {
        "SnapshotDate": day(snapshot),
        "ExtractTimestamp": f"{day(snapshot)} 23:30:00",
        "ExtractType": "full",
        "ExtractNumber": str(number),
        "Version": "1.0.0",
    }
    if meta is not None:
        values = meta
    if folder:
        target.mkdir(parents=True, exist_ok=True)
    archive = None if folder else zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, True, level)
    try:
        for name in FILES:
            if name in omitted:
                continue
            if name == "meta.csv":
                rows: Iterable[list[str]] = [list(pair) for pair in values.items()]
            elif name == "code.csv":
                rows = [list(code) for code in CODES]
            elif isinstance(source, Synthetic):
                rows = source.rows(name)
            else:
                rows = rows_of(source, name)
            binary = (
                open(target / name, "wb")  # noqa: SIM115 (closed with the text stream)
                if archive is None
                else archive.open(name, "w", force_zip64=True)
            )
            with io.TextIOWrapper(binary, encoding="utf-8-sig", newline="") as out:
                out.write(line(HEADERS[name]))
                for raw in malformed.get(name, ()):
                    out.write(raw + "\r\n")
                out.writelines(line(row) for row in rows)
    finally:
        if archive is not None:
            archive.close()
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the ZIP (or folder, with --folder) to write")
    parser.add_argument("--enterprises", type=int, default=2_000_000)
    parser.add_argument("--folder", action="store_true", help="write the unpacked folder")
    args = parser.parse_args()
    started = time.perf_counter()
    write(args.out, Synthetic(args.enterprises), folder=args.folder, level=1)
    print(f"{args.out}: {args.enterprises:,} enterprises in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
