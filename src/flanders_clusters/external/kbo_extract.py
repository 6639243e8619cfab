"""Reading the KBO/BCE open-data extract: what it says about the registry's enterprises.

The Crossroads Bank for Enterprises publishes its active enterprises every month as a ZIP
of CSV files (``KboOpenData_<n>_<yyyy>_<mm>_Full.zip``, about 1.6 GB unpacked): comma
separated, quoted, dates ``dd-mm-yyyy``. ``read`` takes the ZIP or its unpacked folder and
the enterprise numbers wanted, and streams each file it needs row by row straight from
the ZIP — ``meta.csv`` (snapshot date, extract number), ``code.csv`` (the language codes),
``enterprise.csv``, ``denomination.csv``, ``address.csv``, ``activity.csv`` — keeping only
the rows of those numbers, so its memory does not grow with the extract.

A malformed row (a wrong number of cells, text that is not CSV, a value that cannot be
read, a line longer than ``MAX_LINE`` bytes) is reported with its file and line and
skipped; the numbers looked up that malformed rows name, and the rows whose number is
lost, are kept apart (``Extract.affected``, ``Extract.unreadable``): a partner is not
"not found" when its row may be one of them. A file missing from the extract, or held
twice in the ZIP, or a ZIP that cannot be read, is a ``KboExtractError`` (exit 3)
naming it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import KboExtractError
from ..files import regular
from ..registry.vocabulary import (
    BELGIAN_POSTAL_CODE_PATTERN,
    NACE_PATTERN,
    NACE_VERSIONS,
    character_name,
    refused,
)
from . import country_names
from .csv_tables import day_first
from .enterprise_numbers import normalise_enterprise_number

# The columns each file must have (others are allowed and ignored); the first is the key.
COLUMNS = {
    "meta.csv": ("Variable", "Value"),
    "code.csv": ("Category", "Code", "Language", "Description"),
    "enterprise.csv": ("EnterpriseNumber",),
    "denomination.csv": ("EntityNumber", "Language", "TypeOfDenomination", "Denomination"),
    "address.csv": (
        "EntityNumber",
        "TypeOfAddress",
        "CountryNL",
        "CountryFR",
        "Zipcode",
        "DateStrikingOff",
    ),
    "activity.csv": (
        "EntityNumber",
        "ActivityGroup",
        "NaceVersion",
        "NaceCode",
        "Classification",
    ),
}
NAME = "001"  # TypeOfDenomination: the name (002 abbreviation, 003 commercial name)
SEAT = "REGO"  # TypeOfAddress: the registered seat
VAT = "001"  # ActivityGroup: the VAT activities
MAIN = "MAIN"  # Classification: the main activity
# Names are taken in this order of language; a name in another language comes last.
LANGUAGES = ("nl", "fr", "de", "en")
# The names of the four languages in the descriptions of code.csv, in each of them.
LANGUAGE_NAMES = {
    "nl": {"nederlands", "néerlandais", "niederländisch", "dutch"},
    "fr": {"frans", "français", "französisch", "french"},
    "de": {"duits", "allemand", "deutsch", "german"},
    "en": {"engels", "anglais", "englisch", "english"},
}
# The codes the KBO documents (1 French, 2 Dutch, 3 German, 4 English), used only when
# code.csv has no Language category.
DOCUMENTED_LANGUAGES = {"1": "fr", "2": "nl", "3": "de", "4": "en"}
MAX_SUGGESTIONS = 10  # per partner: a common name could match thousands of enterprises
MAX_MALFORMED = 100  # listed per file; a file broken throughout is said in one more row
# A line longer than this is no row of the extract (its longest are a few hundred bytes):
# it is reported and skipped without being read whole.
MAX_LINE = 1 << 20
OVERLONG = "\x00"  # stands for such a line, before its first bytes (csv reads it as one cell)
_KEPT = 64  # bytes of an overlong line kept, to read its number
_ONE_CELL = str.maketrans({c: " " for c in '",\r\n\x00'})
_CHUNK = 1 << 18
FIX = "download the full extract again (KboOpenData_<n>_<yyyy>_<mm>_Full.zip) and pass it whole"
_NACE = re.compile(NACE_PATTERN)
_BELGIAN_POSTAL_CODE = re.compile(BELGIAN_POSTAL_CODE_PATTERN)
_NACE_DIGITS = {"2003": 5, "2008": 5, "2025": 7}
_ESTABLISHMENT = re.compile(r"^\d\.\d{3}\.\d{3}\.\d{3}$")
# The files whose rows are an enterprise's (or an establishment unit's), by its number.
ENTITY_FILES = ("enterprise.csv", "denomination.csv", "address.csv", "activity.csv")
# What reading a damaged or unreadable member raises (RuntimeError: an encrypted one,
# NotImplementedError: a compression method zipfile lacks).
_OPEN_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
)
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError)


@dataclass(frozen=True)
class Seat:
    """The registered seat: a Belgian postal code, or the country of a seat abroad."""

    postal_code: str | None = None
    country: str = "BE"


@dataclass
class Enterprise:
    """What the extract says about one enterprise (None: the extract gives nothing)."""

    legal_name: str | None = None
    seat: Seat | None = None
    nace: list[str] | None = None
    nace_version: str | None = None


@dataclass
class Extract:
    """The result of reading an extract for a set of enterprise numbers."""

    path: str
    snapshot: dt.date
    number: str | None
    looked_up: frozenset[str]
    found: dict[str, Enterprise] = field(default_factory=dict)
    malformed: list[dict[str, Any]] = field(default_factory=list)
    # partner id → [(enterprise number, name in the extract)], with ``names``
    suggestions: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # Of the malformed rows: file → number looked up → the first line that names it
    affected: dict[str, dict[str, int]] = field(default_factory=dict)
    # file → (first line, count) of the malformed rows whose number cannot be read
    unreadable: dict[str, tuple[int, int]] = field(default_factory=dict)

    def status_unknown(self, number: str) -> bool:
        """Whether the extract cannot say that ``number``, not found, is not active: a
        malformed row of enterprise.csv may be its row (it names it, or its number
        cannot be read)."""
        file = "enterprise.csv"
        return number not in self.found and (
            number in self.affected.get(file, {}) or file in self.unreadable
        )


@dataclass(frozen=True)
class Names:
    """The names ``--match-names`` looks for: name key → the partners that bear it, and
    how a name's key is made (the programme's, passed in)."""

    partners: Mapping[str, Collection[str]]
    key: Callable[[str], str]


def parse_day(text: str) -> dt.date:
    """``07-11-2026`` → 2026-11-07 (the extract's ``dd-mm-yyyy``); ValueError for anything
    else."""
    found = day_first(text, kbo=True)
    if found is None:
        raise ValueError(text)
    return found


# -- the files of an extract ------------------------------------------------------------------


class _Files:
    """The files of an extract: the members of its ZIP, or the files of its folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.members: dict[str, zipfile.ZipInfo] = {}
        if path.is_dir():
            missing = [name for name in COLUMNS if not (path / name).is_file()]
        else:
            self.zip = _open_zip(path)
            found: dict[str, list[zipfile.ZipInfo]] = {}
            for info in self.zip.infolist():
                base = info.filename.rsplit("/", 1)[-1]
                if base in COLUMNS and not info.is_dir():
                    found.setdefault(base, []).append(info)
            for base, infos in found.items():
                if len(infos) > 1:  # which one is the extract's? Neither is taken.
                    self.zip.close()
                    raise KboExtractError(
                        f"{path}: the ZIP holds {base} {len(infos)} times ("
                        + ", ".join(info.filename for info in infos)
                        + ")",
                        "pass the extract as downloaded, with one file of each name",
                    )
                self.members[base] = infos[0]
            missing = [name for name in COLUMNS if name not in self.members]
        if missing:
            raise KboExtractError(
                f"{path}: the extract has no {', '.join(missing)}",
                "pass the whole KBO Open Data full extract (the ZIP or its unpacked "
                "folder); if files were lost in unpacking, download it again",
            )

    def size(self, name: str) -> int:
        if self.zip is not None:
            return self.members[name].file_size
        return (self.path / name).stat().st_size

    def where(self, name: str) -> str:
        return f"{self.path}!{self.members[name].filename}" if self.zip else str(self.path / name)

    def _binary(self, name: str) -> IO[bytes]:
        if self.zip is not None:
            return self.zip.open(self.members[name])
        try:  # closed with its text stream
            return regular.open_regular(self.path / name)
        except regular.NotRegular as exc:
            raise _not_a_file(exc) from None

    @contextmanager
    def text(self, name: str, tick: Callable[[int], None] | None = None) -> Iterator[IO[str]]:
        """The file as text, decoded as it is read (a byte-order mark dropped)."""
        try:
            raw = self._binary(name)
        except _OPEN_ERRORS as exc:
            raise KboExtractError(f"{self.where(name)}: cannot be read: {_why(exc)}", FIX) from None
        raw = io.BufferedReader(_Bounded(raw, tick), buffer_size=1 << 16)
        stream = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        try:
            yield stream
        except _READ_ERRORS as exc:  # a damaged member: bad CRC, a cut stream
            raise KboExtractError(f"{self.where(name)}: cannot be read: {_why(exc)}", FIX) from None
        finally:
            stream.close()

    def close(self) -> None:
        if self.zip is not None:
            handle = self.zip.fp  # opened by _open_zip, which zipfile leaves open
            self.zip.close()
            if handle is not None:
                handle.close()


def _open_zip(path: Path) -> zipfile.ZipFile:
    handle = None
    try:
        # Only a regular file: a FIFO would block the open, /dev/zero never end.
        handle = regular.open_regular(path)
        return zipfile.ZipFile(handle)
    except regular.NotRegular as exc:
        raise _not_a_file(exc) from None
    except FileNotFoundError:
        raise KboExtractError(
            f"{path}: no such file or folder",
            "give the path of the KBO Open Data full extract: the ZIP or its unpacked folder",
        ) from None
    except PermissionError:
        raise KboExtractError(f"{path}: permission denied", "make the extract readable") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        if handle is not None:
            handle.close()
        raise KboExtractError(
            f"{path}: not a ZIP file, or a damaged one ({_why(exc)})",
            "pass the ZIP as downloaded, or its unpacked folder; "
            "if the download was cut, download it again",
        ) from None


def _not_a_file(exc: regular.NotRegular) -> KboExtractError:
    return KboExtractError(
        f"{exc.path}: is {exc.kind}, not a ZIP file, a folder or a file of one",
        "give the path of the KBO Open Data full extract: the ZIP or its unpacked folder",
    )


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class _Bounded(io.RawIOBase):
    """A binary stream that hands on the lines of another, but a line longer than
    ``MAX_LINE`` bytes is replaced by ``OVERLONG`` and a few of its first bytes, so that
    no reader above ever holds it (a 1 GB line compresses to a few hundred kB); and that
    reports how many bytes it read (for the progress bar). Line ends are those of the
    text reader above: LF, CR LF or a lone CR."""

    def __init__(
        self, raw: IO[bytes], tick: Callable[[int], None] | None, limit: int = MAX_LINE
    ) -> None:
        self._raw, self._tick, self._limit = raw, tick, limit
        self._chunk = min(_CHUNK, limit)  # so that a line within one chunk is short enough
        self._ready: list[memoryview] = []  # bytes to hand on, in order
        self._held: list[memoryview] = []  # the start of a line whose end is not read yet
        self._held_size = 0
        self._skipping = False  # in a line too long, until its end
        self._eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._ready:
            if self._eof:
                return 0
            self._ready = [view for view in self._next() if len(view)]
        first = self._ready[0]
        count = min(len(buffer), len(first))
        buffer[:count] = first[:count]
        if count == len(first):
            self._ready.pop(0)
        else:
            self._ready[0] = first[count:]
        return count

    def _next(self) -> list[memoryview]:
        chunk = self._raw.read(self._chunk)
        if self._tick is not None:
            self._tick(len(chunk))
        if not chunk:
            self._eof = True
            return self._release()
        view, start = memoryview(chunk), 0
        if self._skipping:
            start = _line_end(chunk, 0)
            if start < 0:
                return []
            self._skipping = False
        first = _line_end(chunk, start)
        if first < 0:  # no line ends here: the line goes on
            self._held.append(view[start:])
            self._held_size += len(chunk) - start
            if self._held_size <= self._limit:
                return []
            self._skipping = True
            return [self._overlong()]
        if self._held_size + first - start > self._limit:
            self._held.append(view[start:first])
            out = [self._overlong()]
        else:
            out = [*self._release(), view[start:first]]
        last = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
        out.append(view[first : last + 1])
        self._held, self._held_size = [view[last + 1 :]], len(chunk) - last - 1
        return out

    def _release(self) -> list[memoryview]:
        held, self._held, self._held_size = self._held, [], 0
        return held

    def _overlong(self) -> memoryview:
        """The line held, too long: ``OVERLONG`` and its first bytes, on one cell."""
        start = b"".join(bytes(view[:_KEPT]) for view in self._held)[:_KEPT]
        self._held, self._held_size = [], 0
        kept = start.decode("utf-8", errors="replace").translate(_ONE_CELL)
        return memoryview((OVERLONG + kept).encode("utf-8"))

    def close(self) -> None:
        self._raw.close()
        super().close()


def _line_end(data: bytes, start: int) -> int:
    """Where the first line end at or after ``start`` is (-1: none)."""
    ends = [found for found in (data.find(b"\n", start), data.find(b"\r", start)) if found >= 0]
    return min(ends) if ends else -1


# -- reading ---------------------------------------------------------------------------------


class _Reader:
    """One pass over an extract: the files, the rows kept, the malformed rows."""

    def __init__(
        self, files: _Files, wanted: frozenset[str], tick: Callable[[int], None] | None
    ) -> None:
        self.files = files
        self.wanted = wanted
        self.tick = tick
        self.malformed: list[dict[str, Any]] = []
        self._listed: dict[str, int] = {}  # malformed rows listed, by file
        self._unlisted: dict[str, list[int]] = {}  # file → [first line, count] not listed
        self.languages: dict[str, str] = {}
        self.found: set[str] = set()
        self.names: dict[str, tuple[int, str]] = {}
        self.seats: dict[str, Seat] = {}
        self.activities: dict[str, dict[str, list[str]]] = {}
        self.suggestions: dict[str, list[tuple[str, str]]] = {}
        # Of the malformed rows of the enterprises' files: file → wanted number → the
        # first line naming it; file → (first line, count) of those whose number is lost.
        self.affected: dict[str, dict[str, int]] = {}
        self.unreadable: dict[str, tuple[int, int]] = {}

    def bad(self, name: str, line: int, reason: str, key: str | None) -> None:
        """Report a malformed row; ``key`` is its first cell as read (None: the row
        could not be read), which says which enterprise it may concern."""
        if name in ENTITY_FILES:
            number = _number_in(key)
            if number is None:
                first, count = self.unreadable.get(name, (line, 0))
                self.unreadable[name] = (first, count + 1)
            elif number in self.wanted:
                self.affected.setdefault(name, {}).setdefault(number, line)
        listed = self._listed.get(name, 0)
        if listed < MAX_MALFORMED:
            self._listed[name] = listed + 1
            self.malformed.append({"file": name, "line": line, "reason": reason})
        else:
            self._unlisted.setdefault(name, [line, 0])[1] += 1

    def _close(self, name: str) -> None:
        if name in self._unlisted:
            line, count = self._unlisted.pop(name)
            reason = f"and {count:,} more malformed rows from this line on, not listed"
            self.malformed.append({"file": name, "line": line, "reason": reason})

    def scan(
        self,
        name: str,
        keep: Callable[[list[str], Callable[[], int]], object],
        every_row: bool = False,
    ) -> None:
        """Call ``keep(cells, line)`` for each row of a wanted number (every row with
        ``every_row``), with the cells of ``COLUMNS[name]`` in that order; ``line()``
        gives the line the row starts on. Rows of the wrong width, and text that is not
        CSV, are reported and skipped."""
        with self.files.text(name, self.tick) as stream:
            reader = csv.reader(stream)
            order, width = self._header(name, reader)
            key = order[0]
            wanted = self.wanted
            plain = order == list(range(width))  # the row is the cells, in order

            def use(row: list[str]) -> None:
                cells = row if plain else [row[i] for i in order]
                keep(cells, lambda: _first_line(reader.line_num, row))

            while True:
                try:  # the loops are the hot path: one test per row, then the set
                    if every_row:
                        for row in reader:
                            if len(row) != width:
                                self._wrong_width(name, reader.line_num, row, width, key)
                            else:
                                use(row)
                    else:
                        for row in reader:
                            if len(row) != width:
                                self._wrong_width(name, reader.line_num, row, width, key)
                            elif row[key] in wanted:
                                use(row)
                    self._close(name)
                    return
                except csv.Error as exc:  # the reader goes on at the next line
                    self.bad(name, reader.line_num, f"not CSV: {exc}", None)

    def _header(self, name: str, reader: Any) -> tuple[list[int], int]:
        """The index of each column of ``COLUMNS[name]``, and the number of columns."""
        try:
            header = [cell.strip() for cell in next(reader)]
        except StopIteration:
            raise KboExtractError(f"{self.files.where(name)}: the file is empty", FIX) from None
        except csv.Error as exc:
            raise KboExtractError(f"{self.files.where(name)}:1: not CSV: {exc}", FIX) from None
        if header and header[0].startswith(OVERLONG):
            raise KboExtractError(
                f"{self.files.where(name)}:1: the header is longer than {MAX_LINE:,} bytes", FIX
            )
        missing = [column for column in COLUMNS[name] if column not in header]
        if missing:
            raise KboExtractError(
                f"{self.files.where(name)}:1: no column {', '.join(missing)} in the header",
                "pass the KBO Open Data full extract as published: " + FIX,
            )
        return [header.index(column) for column in COLUMNS[name]], len(header)

    def _wrong_width(self, name: str, end: int, row: list[str], width: int, key: int) -> None:
        if not row:  # an empty line holds nothing: skipped quietly
            return
        if len(row) == 1 and row[0].startswith(OVERLONG):  # see _Bounded
            start = row[0][len(OVERLONG) :].split()
            reason = f"a line longer than {MAX_LINE:,} bytes, skipped unread"
            self.bad(name, end, reason, start[0] if start else "")
            return
        cell = row[key] if len(row) > key else None
        reason = f"{len(row)} cells where the header has {width}"
        self.bad(name, _first_line(end, row), reason, cell)


def _number_in(cell: str | None) -> str | None:
    """The enterprise number a malformed row's first cell gives (``0123.456.749``), ""
    for the number of an establishment unit, None when it gives no number."""
    if cell is None:
        return None
    text = cell.strip().lstrip("\ufeff")
    if _ESTABLISHMENT.match(text):
        return ""
    return normalise_enterprise_number(text)


def _first_line(end: int, row: list[str] | None) -> int:
    """The line a row starts on, from the line it ends on and the line breaks inside
    its quoted cells."""
    if not row:
        return end
    breaks = sum(c.count("\n") + c.count("\r") - c.count("\r\n") for c in row)
    return end - breaks


def _text(value: str, column: str) -> str:
    """A one-line text cell, trimmed; ValueError with the reason."""
    text = value.strip()
    if "\ufffd" in text:
        raise ValueError(f"{column} is not UTF-8")
    if "\n" in text or "\r" in text:
        raise ValueError(f"{column} {text!r} spans lines")
    char = refused(text)
    if char is not None:  # the registry refuses it in one-line text: not stored
        raise ValueError(f"{column} {text!r} holds {character_name(char)}")
    return text


def read(
    path: Path,
    numbers: Collection[str],
    *,
    names: Names | None = None,
    progress: Callable[[int], AbstractContextManager[Callable[[int], Any] | None]] | None = None,
) -> Extract:
    """Read the extract at ``path`` (a ZIP or a folder) for the enterprise ``numbers``.

    ``names`` asks for suggestions: the enterprises whose name has the key of one of
    ``names.partners`` (the key made by ``names.key``). ``progress(total)``, a context
    manager, may give a ``tick(done)`` for a bar, counting the bytes of the files as they
    are read.
    """
    files = _Files(Path(path))
    try:
        total = sum(files.size(name) for name in COLUMNS)
        with progress(total) if progress is not None else nullcontext() as tick:
            reader = _Reader(files, frozenset(numbers), _ticker(tick))
            snapshot, number = _meta(reader)
            reader.languages = _languages(reader)
            if reader.wanted or names is not None:  # else there is nothing to look up
                reader.scan("enterprise.csv", lambda row, line: reader.found.add(row[0]))
                _denominations(reader, names)
                reader.scan("address.csv", lambda row, line: _address(reader, row, line))
                reader.scan("activity.csv", lambda row, line: _activity(reader, row, line))
    finally:
        files.close()
    return Extract(
        path=str(path),
        snapshot=snapshot,
        number=number,
        looked_up=reader.wanted,
        found={number: _enterprise(reader, number) for number in sorted(reader.found)},
        malformed=reader.malformed,
        suggestions=reader.suggestions,
        affected=reader.affected,
        unreadable=reader.unreadable,
    )


def _ticker(tick: Callable[[int], Any] | None) -> Callable[[int], None] | None:
    if tick is None:
        return None
    done = 0

    def add(count: int) -> None:
        nonlocal done
        done += count
        tick(done)

    return add


def _meta(reader: _Reader) -> tuple[dt.date, str | None]:
    values: dict[str, tuple[str, int]] = {}
    reader.scan(
        "meta.csv",
        lambda row, line: values.setdefault(row[0].strip(), (row[1].strip(), line())),
        every_row=True,
    )
    where = reader.files.where("meta.csv")
    if "SnapshotDate" not in values:
        raise KboExtractError(f"{where}: no SnapshotDate", FIX)
    text, line = values["SnapshotDate"]
    try:
        snapshot = parse_day(text)
    except ValueError:
        raise KboExtractError(
            f"{where}:{line}: SnapshotDate {text!r} is not a date dd-mm-yyyy", FIX
        ) from None
    number = values.get("ExtractNumber", ("", 0))[0] or None
    return snapshot, number


def _languages(reader: _Reader) -> dict[str, str]:
    """Language code → ``nl``, ``fr``, ``de`` or ``en``, from the descriptions of the
    Language codes in code.csv (the code described as "Nederlands" in Dutch is Dutch)."""
    described: dict[str, set[str]] = {}

    def keep(row: list[str], line: Callable[[], int]) -> None:
        if row[0].strip() == "Language":
            described.setdefault(row[1].strip(), set()).add(row[3].strip().casefold())

    reader.scan("code.csv", keep, every_row=True)
    if not described:
        return dict(DOCUMENTED_LANGUAGES)
    out = {}
    for code, descriptions in described.items():
        for language, own in LANGUAGE_NAMES.items():
            if descriptions & own:
                out[code] = language
                break
    return out


def _denominations(reader: _Reader, names: Names | None) -> None:
    ranks = {code: LANGUAGES.index(language) for code, language in reader.languages.items()}
    unknown = len(LANGUAGES)
    kept = reader.names
    wanted = reader.wanted

    def keep(row: list[str], line: Callable[[], int]) -> None:
        number, language, kind, text = row
        if names is not None:
            _suggest(reader, names, row)
            if number not in wanted:
                return
        if kind != NAME:
            return
        try:
            name = _text(text, "Denomination")
        except ValueError as exc:
            reader.bad("denomination.csv", line(), str(exc), number)
            return
        if not name:
            reader.bad("denomination.csv", line(), "Denomination is empty", number)
            return
        rank = ranks.get(language.strip(), unknown)
        if number not in kept or rank < kept[number][0]:
            kept[number] = (rank, name)

    reader.scan("denomination.csv", keep, every_row=names is not None)


def _suggest(reader: _Reader, names: Names, row: list[str]) -> None:
    number = row[0]
    if len(number) != 12 or number[4] != "." or number[8] != ".":
        return  # an establishment unit: its number is not an enterprise number
    key = names.key(row[3])
    if not key or key not in names.partners:
        return
    for partner in names.partners[key]:
        found = reader.suggestions.setdefault(partner, [])
        if len(found) < MAX_SUGGESTIONS and all(number != known for known, _ in found):
            found.append((number, row[3].strip()))


def _address(reader: _Reader, row: list[str], line: Callable[[], int]) -> None:
    number, kind, country_nl, country_fr, zipcode, struck = row
    if kind.strip() != SEAT or number in reader.seats:
        return
    try:
        if struck.strip():
            parse_day(struck.strip())
            return  # a struck-off address is not used
    except ValueError:
        reason = f"DateStrikingOff {struck!r} is not a date dd-mm-yyyy"
        reader.bad("address.csv", line(), reason, number)
        return
    try:
        abroad = [_text(country_nl, "CountryNL"), _text(country_fr, "CountryFR")]
        postal_code = _text(zipcode, "Zipcode")
    except ValueError as exc:
        reader.bad("address.csv", line(), str(exc), number)
        return
    if any(abroad):
        code = country_names.code_of(*filter(None, abroad))
        if code is None:
            shown = " / ".join(repr(name) for name in abroad if name)
            reason = f"country {shown} is not one this tool knows; seat not used"
            reader.bad("address.csv", line(), reason, number)
            return
        reader.seats[number] = Seat(None, code)
        return
    if postal_code and not _BELGIAN_POSTAL_CODE.fullmatch(postal_code):
        reason = (
            f"Zipcode {postal_code!r} is not a Belgian postal code (1000 to 9999); seat not used"
        )
        reader.bad("address.csv", line(), reason, number)
        return
    reader.seats[number] = Seat(postal_code or None, "BE")


def _activity(reader: _Reader, row: list[str], line: Callable[[], int]) -> None:
    number, group, version, code, classification = row
    if group.strip() != VAT or classification.strip() != MAIN:
        return
    version, code = version.strip(), code.strip()
    if version not in NACE_VERSIONS:
        reason = f"NaceVersion {version!r} is not {', '.join(NACE_VERSIONS)}"
        reader.bad("activity.csv", line(), reason, number)
        return
    digits = _NACE_DIGITS[version]
    if not _NACE.match(code) or len(code) != digits:
        reason = f"NaceCode {code!r} is not {digits} digits (NACE {version}, written without dots)"
        reader.bad("activity.csv", line(), reason, number)
        return
    codes = reader.activities.setdefault(number, {}).setdefault(version, [])
    if code not in codes:
        codes.append(code)


def _enterprise(reader: _Reader, number: str) -> Enterprise:
    name = reader.names.get(number)
    by_version = reader.activities.get(number) or {}
    newest = max(by_version, key=int) if by_version else None
    return Enterprise(
        legal_name=name[1] if name else None,
        seat=reader.seats.get(number),
        nace=sorted(by_version[newest]) if newest else None,
        nace_version=newest,
    )
