"""Registries written by hand: the layouts a person may give a registry file.

``HandWriter`` writes parsed registry data as TOML in any order and layout — inline
tables or arrays of tables, dotted or quoted keys, comments between and inside tables —
and records the line of every key path; with a ``Poison`` it plants one mistake and says
where. The line-index tests (``test_key_lines.py``), ``fmt``'s and the registry's
properties use it with the generated registries of ``registry_strategies.py``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import tomli_w

KeyPath = tuple[str | int, ...]


COMMENTS = ("# a remark", '# [clusters.fake] "quoted" = 1', "#   [[x]] ]] {", "#")


@dataclass
class Poison:
    """One mistake to write: a date in quotes at ``path``, or a ``bogus`` key in a table."""

    kind: str  # "quote-date" | "extra-key"
    path: KeyPath

    @property
    def reported(self) -> KeyPath:
        return self.path if self.kind == "quote-date" else (*self.path, "bogus")


@dataclass
class HandWriter:
    """Writes a registry the way a person might: any order, any layout, with comments.

    ``where`` records the line on which each key path is written.
    """

    rnd: random.Random
    poison: Poison | None = None
    lines: list[str] = field(default_factory=list)
    where: dict[KeyPath, int] = field(default_factory=dict)
    commented: bool = False  # whether a comment (other than the #:schema line) was written

    # -- pieces --

    def emit(self, text: str, *paths: KeyPath) -> None:
        if self.rnd.random() < 0.1:
            self.lines.append(self.rnd.choice(COMMENTS))
            self.commented = True
        if self.rnd.random() < 0.1:
            self.lines.append("")
        number = len(self.lines) + 1
        for path in paths:
            self.where.setdefault(path, number)
        if self.rnd.random() < 0.1 and "\n" not in text:
            text += "  " + self.rnd.choice(COMMENTS)
            self.commented = True
        self.lines.extend(text.split("\n"))

    def key(self, name: str) -> str:
        return self.rnd.choice([name, name, f'"{name}"', f"'{name}'"])

    def items(self, record: dict, path: KeyPath) -> list[tuple[str, object]]:
        pairs = list(record.items())
        if self.poison and self.poison.kind == "extra-key" and self.poison.path == path:
            pairs.append(("bogus", 1))
        self.rnd.shuffle(pairs)
        return pairs

    def value(self, value: object, path: KeyPath, *, inline: bool = False) -> str:
        if self.poison and self.poison.kind == "quote-date" and self.poison.path == path:
            return f'"{value.isoformat()}"'
        if isinstance(value, list):
            inner = ", ".join(self.value(v, (*path, i), inline=True) for i, v in enumerate(value))
            return f"[{inner}]"
        if isinstance(value, dict):
            return self.inline_table(value, path)
        multiline = not inline and isinstance(value, str) and self.rnd.random() < 0.5
        return tomli_w.dumps({"v": value}, multiline_strings=multiline)[4:-1]

    def inline_table(self, record: dict, path: KeyPath) -> str:
        inner = ", ".join(
            f"{self.key(k)} = {self.value(v, (*path, k), inline=True)}"
            for k, v in self.items(record, path)
        )
        return "{ " + inner + " }" if inner else "{}"

    def pair(self, prefix: str, name: str, value: object, path: KeyPath) -> None:
        """``prefix + name = value`` on its own line(s)."""
        self.emit(f"{prefix}{self.key(name)} = {self.value(value, path)}", path)

    def array_of_inline_tables(self, prefix: str, name: str, items: list, path: KeyPath):
        paths = [path]
        for index, item in enumerate(items):
            paths.append((*path, index))
            paths.extend((*path, index, k) for k in item)
        poison = self.poison
        if poison and poison.kind == "extra-key" and poison.path[: len(path)] == path:
            paths.append(poison.reported)
        if self.rnd.random() < 0.5:
            cells = ", ".join(self.inline_table(item, (*path, i)) for i, item in enumerate(items))
            self.emit(f"{prefix}{self.key(name)} = [{cells}]", *paths)
            return
        self.emit(f"{prefix}{self.key(name)} = [", path)
        for index, item in enumerate(items):
            own = [p for p in paths if p[: len(path) + 1] == (*path, index)]
            self.emit("    " + self.inline_table(item, (*path, index)) + ",", *own)
        self.emit("]")

    # -- records --

    def table_record(self, header: str, record: dict, path: KeyPath, arrays=()) -> None:
        self.emit(header, path)
        later = []
        for name, value in self.items(record, path):
            if name in arrays and value and self.rnd.random() < 0.4:
                later.append((name, value))
            elif name in arrays:
                self.array_of_inline_tables("", name, value, (*path, name))
            else:
                self.pair("", name, value, (*path, name))
        quoted = header.strip("[]").strip()
        for name, items in later:
            for index, item in enumerate(items):
                item_path = (*path, name, index)
                self.emit(f"[[{quoted}.{name}]]", (*path, name), item_path)
                for key, value in self.items(item, item_path):
                    self.pair("", key, value, (*item_path, key))

    def dotted_record(self, ident: str, record: dict, path: KeyPath, arrays=()) -> None:
        for name, value in self.items(record, path):
            prefix = f"{ident}."
            if name in arrays:
                self.array_of_inline_tables(prefix, name, value, (*path, name))
            else:
                self.pair(prefix, name, value, (*path, name))

    def section(self, name: str, records: dict, arrays=()) -> None:
        ids = list(records)
        self.rnd.shuffle(ids)
        grouped = [i for i in ids if self.rnd.random() < 0.3]
        if not records or grouped:
            self.emit(f"[{name}]", (name,))
            for ident in grouped:
                record_path = (name, ident)
                if self.rnd.random() < 0.5 and not arrays:
                    paths = [record_path, *((*record_path, k) for k in records[ident])]
                    if self.poison and self.poison.path == record_path:  # an extra key
                        paths.append(self.poison.reported)
                    text = self.inline_table(records[ident], record_path)
                    self.emit(f"{self.key(ident)} = {text}", *paths)
                else:
                    self.dotted_record(self.key(ident), records[ident], record_path, arrays)
        for ident in ids:
            if ident in grouped:
                continue
            header = self.rnd.choice(
                [f"[{name}.{ident}]", f'[{name}."{ident}"]', f"[ {name} . '{ident}' ]"]
            )
            self.table_record(header, records[ident], (name, ident), arrays)

    def document(self, data: dict) -> str:
        if self.rnd.random() < 0.5:
            self.lines.append("#:schema ./clusters.schema.json")
        for name, value in self.items({"schema_version": data["schema_version"]}, ()):
            self.pair("", name, value, (name,))
        if "policy" in data:
            self.table_record("[policy]", data["policy"], ("policy",))
        sections = [s for s in ("clusters", "partners", "events") if s in data]
        self.rnd.shuffle(sections)
        for name in sections:
            self.section(name, data[name], ARRAYS.get(name, ()))
        return "\n".join(self.lines) + "\n"


# The lists of records that the hand writer may write as arrays of tables.
ARRAYS = {"clusters": ("funding", "members"), "events": ("participants",)}
