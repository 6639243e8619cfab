"""Map key paths of a TOML document to the lines where they are written.

Not a second TOML parser: a light scan of table headers, keys, arrays and inline tables
that never interprets a value. It is run only when a message needs a line number, on text
that ``tomllib`` has already accepted (on other text it does its best and never fails).

Paths are tuples of keys and array indexes, as pydantic reports them:
``("clusters", "vil", "members", 3, "partner")``.

Cost. Every pattern here uses possessive repeats (``*+``, ``++``), which keep no
backtracking state: a string of 20 MB is matched in constant memory (an alternation
inside a plain ``*`` keeps about 100 bytes per character). The index is built in two
steps. One pass over the whole text finds the table headers: runs of ordinary lines
(``key = value``, comments, blank lines, values spread over lines included) are skipped
by one regular expression, so Python works once per table, not once per token. The keys
inside a table are read only when a line inside it is asked for (``line``), so a
``validate`` with a few findings reads a few tables, not the whole registry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

Path = tuple[str | int, ...]

_WS = r"[ \t]*+"
_BASIC = r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"'
_LITERAL = r"'[^'\n]*+'"
_MLBASIC = r'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+"""(?:""?)?+'
_MLLITERAL = r"'''(?:[^']++|'(?!''))*+'''(?:''?)?+"

_TOKEN = re.compile(
    rf"""
    (?P<nl>\r?\n)
  | (?P<ws>[ \t]++)
  | (?P<comment>\#[^\n]*+)
  | (?P<mlbasic>{_MLBASIC})
  | (?P<mlliteral>{_MLLITERAL})
  | (?P<basic>{_BASIC})
  | (?P<literal>{_LITERAL})
  | (?P<bare>[A-Za-z0-9_+\-:]++)
  | (?P<punct>[\[\]{{}}=,.])
  | (?P<other>[\s\S])
    """,
    re.VERBOSE,
)


def _body() -> re.Pattern[str]:
    """Lines that are not table headers: blank, a comment, or ``key = value`` (a value
    spread over lines included), as many as follow one another."""
    gap = r"(?:[ \t]++|\r?\n|\#[^\n]*+)*+"  # between the items of an array
    key = rf"(?:[A-Za-z0-9_-]++|{_BASIC}|{_LITERAL})"
    dotted = rf"{key}(?:{_WS}\.{_WS}{key})*+"
    # A number, a boolean, a date or a time; a date-time may have a space in it.
    bare = r"[^ \t\r\n#,\[\]{}\"'=]++(?:\ [0-9][^ \t\r\n#,\[\]{}\"'=]*+)?+"
    value = rf"(?:{_BASIC}|{bare}|{_MLBASIC}|{_MLLITERAL}|{_LITERAL})"
    for _ in range(3):  # arrays and inline tables three deep; deeper ones are tokenised
        array = rf"\[{gap}(?:{value}{gap}(?:,{gap}|(?=\])))*+\]"
        table = rf"\{{{_WS}(?:{dotted}{_WS}={_WS}{value}{_WS}(?:,{_WS}|(?=\}})))*+\}}"
        value = rf"(?:{value}|{array}|{table})"
    line = rf"{_WS}(?:{dotted}{_WS}={_WS}{value}{_WS})?+(?:\#[^\n]*+)?+(?:\r?\n|\Z)"
    return re.compile(rf"(?:{line})*+")


_BODY = _body()
_HEADER = re.compile(
    r"\[(\[?)([A-Za-z0-9_-]++(?:\.[A-Za-z0-9_-]++)*+)\]\1[ \t]*+(?:\#[^\n]*+)?+(?:\r?\n|\Z)"
)
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[\s\S])")
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

Token = tuple[str, str, int, int]  # kind, text, line, offset after it


def _scan(text: str, start: int, end: int, line: int) -> Iterator[Token]:
    """The significant tokens of ``text[start:end]`` with their lines (whitespace and
    comments dropped), then an ``eof`` token."""
    for match in _TOKEN.finditer(text, start, end):
        kind = match.lastgroup or "other"
        value = match.group()
        if kind == "nl":
            yield ("nl", value, line, match.end())
            line += 1
        elif kind in ("ws", "comment"):
            continue
        else:
            yield (kind, value, line, match.end())
            if kind in ("mlbasic", "mlliteral"):
                line += value.count("\n")
    yield ("eof", "", line, end)


class _Tokens:
    """A stream of tokens with one token of look-ahead."""

    def __init__(self, text: str, start: int = 0, end: int | None = None, line: int = 1):
        self._stream = _scan(text, start, len(text) if end is None else end, line)
        self._ahead = next(self._stream)

    def peek(self) -> Token:
        return self._ahead

    def next(self) -> Token:
        item = self._ahead
        if item[0] != "eof":
            self._ahead = next(self._stream)
        return item

    def skip_newlines(self) -> None:
        while self._ahead[0] == "nl":
            self.next()

    def skip_line(self) -> int:
        """Past the next line break; the offset after it (or the end)."""
        while self._ahead[0] not in ("nl", "eof"):
            self.next()
        return self.next()[3]

    def skip_statement(self) -> int:
        """Past the line break that ends a statement (one outside any array or table);
        the offset after it (or the end)."""
        depth = 0
        while True:
            kind, value, _, end = self.next()
            if kind == "eof" or (kind == "nl" and depth == 0):
                return end
            if value in ("[", "{"):
                depth += 1
            elif value in ("]", "}") and depth:
                depth -= 1


class LineIndex:
    """Lines of the key paths of one TOML text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[Path, int] = {}
        self._aot_count: dict[Path, int] = {}
        # The stretches of text below each table header, by the header's path: (start,
        # end, line of start). Read, and dropped from here, when a path below is asked for.
        self._tables: dict[Path, list[tuple[int, int, int]]] = {}
        self._headers()

    def line(self, path: Path) -> int | None:
        """The line of ``path``, else of its nearest written ancestor; a path none of whose
        keys is written (a missing top-level key) is at the top of the document, line 1."""
        if not path:
            return None
        for end in range(len(path) + 1):
            for start, stop, line in self._tables.pop(tuple(path[:end]), ()):
                self._read_table(tuple(path[:end]), start, stop, line)
        for end in range(len(path), 0, -1):
            found = self._lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return 1

    # -- the scan -------------------------------------------------------------------

    def _record(self, path: Path, line: int) -> None:
        # A registry's paths are a few levels deep; a hostile key thousands of levels deep
        # would otherwise cost memory quadratic in its depth (every prefix is a tuple).
        if len(path) <= MAX_DEPTH:
            known = self._lines.get(path)
            if known is None or line < known:
                self._lines[path] = line

    def _headers(self) -> None:
        """Find every table header, and the stretch of text each one heads."""
        text = self._text
        size = len(text)
        pos = 1 if text.startswith("\ufeff") else 0
        table: tuple[str | int, ...] = ()
        line, start, start_line = 1, pos, 1
        while pos < size:
            body = _BODY.match(text, pos)  # `(?:…)*+` matches, if only the empty string
            skipped = body.end() if body else pos
            if skipped > pos:
                line += text.count("\n", pos, skipped)
                pos = skipped
                continue
            header = _HEADER.match(text, pos)
            if header:
                array, keys, after = bool(header[1]), header[2].split("."), header.end()
            else:  # a header written with quotes or spaces, or a value too deep for _BODY
                tokens = _Tokens(text, pos, size, line)
                if tokens.peek()[1] != "[":
                    after = tokens.skip_statement()
                    line += text.count("\n", pos, after)
                    pos = after
                    continue
                tokens.next()
                array = tokens.peek()[1] == "["
                if array:
                    tokens.next()
                keys = _key(tokens)
                after = tokens.skip_line()
            self._table(table, start, pos, start_line)
            table = self._header(keys, array, line)
            line += text.count("\n", pos, after)
            pos = start = after
            start_line = line
        self._table(table, start, size, start_line)

    def _table(self, path: Path, start: int, end: int, line: int) -> None:
        if end > start and len(path) <= MAX_DEPTH:
            self._tables.setdefault(path, []).append((start, end, line))

    def _header(self, keys: list[str], array: bool, line: int) -> Path:
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

    def _read_table(self, table: Path, start: int, end: int, line: int) -> None:
        """Record the keys written in one table's stretch of text."""
        tokens = _Tokens(self._text, start, end, line)
        while True:
            tokens.skip_newlines()
            kind, _, _, _ = tokens.peek()
            if kind == "eof":
                return
            if kind in ("bare", "basic", "literal"):
                self._key_value(tokens, table)
            tokens.skip_line()

    def _key_value(self, tokens: _Tokens, table: Path) -> None:
        line = tokens.peek()[2]
        path = table
        for key in _key(tokens):
            path = (*path, key)
            self._record(path, line)
        if tokens.peek()[1] == "=":
            tokens.next()
            self._value(tokens, path)

    def _value(self, tokens: _Tokens, path: Path) -> None:
        kind, value, _, _ = tokens.next()
        if value == "[":
            self._array(tokens, path)
        elif value == "{":
            self._inline_table(tokens, path)
        elif kind == "bare" and tokens.peek()[0] == "bare":
            tokens.next()  # the time of a date-time written with a space

    def _array(self, tokens: _Tokens, path: Path) -> None:
        index = 0
        while True:
            tokens.skip_newlines()
            kind, value, line, _ = tokens.peek()
            if value == "]" or kind == "eof":
                tokens.next()
                return
            if value == ",":
                tokens.next()
                index += 1
                continue
            self._record((*path, index), line)
            self._value(tokens, (*path, index))

    def _inline_table(self, tokens: _Tokens, path: Path) -> None:
        while True:
            tokens.skip_newlines()
            kind, value, _, _ = tokens.peek()
            if value == "}" or kind == "eof":
                tokens.next()
                return
            if value == ",":
                tokens.next()
                continue
            if kind not in ("bare", "basic", "literal"):
                tokens.next()
                continue
            self._key_value(tokens, path)


def _key(tokens: _Tokens) -> list[str]:
    """A dotted key; stops before ``=`` or ``]``."""
    keys: list[str] = []
    while True:
        kind, value, _, _ = tokens.peek()
        if kind in ("bare", "basic", "literal"):
            tokens.next()
            keys.append(_key_text(kind, value))
        elif value == ".":
            tokens.next()
        else:
            return keys


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
        for kind, value, _, _ in _scan(line, 0, len(line), 1):
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
