"""Map key paths of a TOML document to the lines where they are written.

Not a second TOML parser: a light scan of table headers, keys, arrays and inline tables
that never interprets a value. It is run only when a message needs a line number, on text
that ``tomllib`` has already accepted (on other text it does its best and never fails).

Paths are tuples of keys and array indexes, as pydantic reports them:
``("clusters", "vil", "members", 3, "partner")``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

Path = tuple[str | int, ...]

_TOKEN = re.compile(
    r"""
    (?P<nl>\r?\n)
  | (?P<ws>[ \t]+)
  | (?P<comment>\#[^\n]*)
  | (?P<mlbasic>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"\"{0,2})
  | (?P<mlliteral>'''(?:[^']|'(?!''))*''''{0,2})
  | (?P<basic>"(?:[^"\\\n]|\\.)*")
  | (?P<literal>'[^'\n]*')
  | (?P<bare>[A-Za-z0-9_+\-:]+)
  | (?P<punct>[\[\]{}=,.])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "uU":
        try:
            return chr(int(code[1:], 16))
        except ValueError:
            return code
    return _SIMPLE_ESCAPES.get(code, code)


def _key_text(kind: str, text: str) -> str:
    if kind == "basic":
        return _ESCAPE.sub(_unescape, text[1:-1])
    if kind == "literal":
        return text[1:-1]
    return text


MAX_DEPTH = 32  # deeper than any path of a registry (clusters.x.members[3].since is 5)


class _Tokens:
    """Significant tokens with their line numbers; whitespace and comments dropped."""

    def __init__(self, text: str) -> None:
        self._items = list(self._scan(text))
        self._pos = 0

    @staticmethod
    def _scan(text: str) -> Iterator[tuple[str, str, int]]:
        line = 1
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup or "other"
            value = match.group()
            if kind == "nl":
                yield ("nl", value, line)
                line += 1
            elif kind in ("ws", "comment"):
                continue
            else:
                yield (kind, value, line)
                if kind in ("mlbasic", "mlliteral"):
                    line += value.count("\n")
        yield ("eof", "", line)

    def peek(self) -> tuple[str, str, int]:
        return self._items[self._pos]

    def next(self) -> tuple[str, str, int]:
        item = self._items[self._pos]
        if item[0] != "eof":
            self._pos += 1
        return item

    def skip_newlines(self) -> None:
        while self.peek()[0] == "nl":
            self._pos += 1

    def skip_line(self) -> None:
        while self.peek()[0] not in ("nl", "eof"):
            self._pos += 1


class LineIndex:
    """Lines of the key paths of one TOML text."""

    def __init__(self, text: str) -> None:
        self._lines: dict[Path, int] = {}
        self._aot_count: dict[Path, int] = {}
        self._tokens = _Tokens(text.removeprefix("\ufeff"))
        self._document()

    def line(self, path: Path) -> int | None:
        """The line of ``path``, else of its nearest written ancestor; a path none of whose
        keys is written (a missing top-level key) is at the top of the document, line 1."""
        for end in range(len(path), 0, -1):
            found = self._lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return 1 if path else None

    # -- the scan -------------------------------------------------------------------

    def _record(self, path: Path, line: int) -> None:
        # A registry's paths are a few levels deep; a hostile key thousands of levels deep
        # would otherwise cost memory quadratic in its depth (every prefix is a tuple).
        if len(path) <= MAX_DEPTH:
            self._lines.setdefault(path, line)

    def _document(self) -> None:
        tokens = self._tokens
        table: Path = ()
        while True:
            tokens.skip_newlines()
            kind, value, _line = tokens.peek()
            if kind == "eof":
                return
            if value == "[":
                table = self._header()
            elif kind in ("bare", "basic", "literal"):
                self._key_value(table)
            tokens.skip_line()

    def _header(self) -> Path:
        tokens = self._tokens
        _, _, line = tokens.next()
        array = tokens.peek()[1] == "["
        if array:
            tokens.next()
        keys = self._key()
        resolved: Path = ()
        for position, key in enumerate(keys):
            resolved = (*resolved, key)
            last = position == len(keys) - 1
            if last and array:
                index = self._aot_count.get(resolved, 0)
                self._aot_count[resolved] = index + 1
                self._record(resolved, line)
                resolved = (*resolved, index)
            elif resolved in self._aot_count:
                resolved = (*resolved, self._aot_count[resolved] - 1)
            self._record(resolved, line)
        return resolved

    def _key(self) -> list[str]:
        """A dotted key; stops before ``=`` or ``]``."""
        tokens = self._tokens
        keys: list[str] = []
        while True:
            kind, value, _ = tokens.peek()
            if kind in ("bare", "basic", "literal"):
                tokens.next()
                keys.append(_key_text(kind, value))
            elif value == ".":
                tokens.next()
            else:
                return keys

    def _key_value(self, table: Path) -> None:
        tokens = self._tokens
        line = tokens.peek()[2]
        path = table
        for key in self._key():
            path = (*path, key)
            self._record(path, line)
        if tokens.peek()[1] == "=":
            tokens.next()
            self._value(path)

    def _value(self, path: Path) -> None:
        tokens = self._tokens
        kind, value, _ = tokens.next()
        if value == "[":
            self._array(path)
        elif value == "{":
            self._inline_table(path)
        elif kind == "bare" and tokens.peek()[0] == "bare":
            tokens.next()  # the time of a date-time written with a space

    def _array(self, path: Path) -> None:
        tokens = self._tokens
        index = 0
        while True:
            tokens.skip_newlines()
            kind, value, line = tokens.peek()
            if value == "]" or kind == "eof":
                tokens.next()
                return
            if value == ",":
                tokens.next()
                index += 1
                continue
            self._record((*path, index), line)
            self._value((*path, index))

    def _inline_table(self, path: Path) -> None:
        tokens = self._tokens
        while True:
            tokens.skip_newlines()
            kind, value, _ = tokens.peek()
            if value == "}" or kind == "eof":
                tokens.next()
                return
            if value == ",":
                tokens.next()
                continue
            if kind not in ("bare", "basic", "literal"):
                tokens.next()
                continue
            self._key_value(path)


def has_comments(text: str) -> bool:
    """Whether ``text`` holds a comment other than a ``#:schema`` header line."""
    if text.count("#") == text.startswith("#:schema"):
        return False  # no '#' but the header's: the common case, at string speed
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "comment" and not match.group().startswith("#:schema"):
            return True
    return False


MAX_KEY_PARTS = 1000  # tomllib's memory grows with the square of a key's parts
_KEY_RUN = re.compile(rf"[A-Za-z0-9_.\-\"' \t]{{{2 * MAX_KEY_PARTS},}}")


def too_deep(text: str) -> bool:
    """Whether a key of more than ``MAX_KEY_PARTS`` dotted parts is written, outside strings.

    Such a key needs a line of thousands of characters: only such lines are searched, and
    only a line with a long dotted run in it is tokenised.
    """
    for line in text.split("\n"):
        if len(line) < 2 * MAX_KEY_PARTS:
            continue
        if not any(r.group().count(".") >= MAX_KEY_PARTS for r in _KEY_RUN.finditer(line)):
            continue
        run, expect_key = 0, True
        for kind, value, _ in _Tokens(line)._items:
            if kind in ("bare", "basic", "literal"):
                run = run + 1 if expect_key else 1
                if run > MAX_KEY_PARTS:
                    return True
                expect_key = False
            elif value == "." and not expect_key:
                expect_key = True
            else:
                run, expect_key = 0, True
    return False
