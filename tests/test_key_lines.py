"""Line numbers in schema errors (``registry/key_lines.py``): every TOML layout a person
may write.

Each test writes a registry with one known mistake and checks the ``FILE:LINE: PATH:``
that ``clusters`` prints on stderr. The property tests at the end write generated
registries in random hand-written layouts (``hand_written.py``).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import tomllib
from pathlib import Path

import pytest
from conftest import run, write_registry
from hand_written import ARRAYS, HandWriter, KeyPath, Poison
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registry_strategies import registries


def problems(path: Path) -> list[str]:
    """The problem lines ``clusters list`` prints for a registry that is not of the schema."""
    result = run("--registry", str(path), "list")
    assert result.exit_code == 3, result.stdout
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    return [line.strip() for line in result.stderr.splitlines()[1:]]


def located(path: Path) -> list[str]:
    """``LINE: PATH`` of each problem, the file name dropped."""
    prefix = f"{path}:"
    out = []
    for line in problems(path):
        assert line.startswith(prefix), line
        where, key = line[len(prefix) :].split(": ", 2)[:2]
        out.append(f"{where}: {key}")
    return out


# -- canonical form: inline arrays of inline tables ---------------------------------------

CANONICAL = """\
#:schema ./clusters.schema.json

schema_version = 1

[clusters.alpha]
name = "Alpha"
type = "spearhead"
domain = "Chemistry"
funding = [
    { start = 2018-01-01, end = 2020-12-31 },
    { start = 2021-01-01, end = "2027-12-31" },
]
members = [
    { partner = "acme", role = "founder" },
    { partner = "gov", role = "clusterpact", since = 2018-06-01 },
    { partner = "uni", since = "2019-02-30" },
]

[clusters.beta]
name = "Beta"
type = "icn"
domain = "Drones"
members = [
    { partner = "acme", rol = "board" },
]

[partners.acme]
name = "Acme NV"
kind = "company"
"""


def test_canonical_form_inline_arrays(tmp_path: Path) -> None:
    path = write_registry(tmp_path, CANONICAL)
    assert located(path) == [
        "11: clusters.alpha.funding[1].end",
        "16: clusters.alpha.members[2].since",
        "24: clusters.beta.members[0].rol",
    ]


def test_canonical_form_messages_name_the_fix(tmp_path: Path) -> None:
    path = write_registry(tmp_path, CANONICAL)
    lines = problems(path)
    assert lines == [
        f"{path}:11: clusters.alpha.funding[1].end: expected a date, got the string "
        "'2027-12-31'; fix: remove the quotes: end = 2027-12-31",
        f"{path}:16: clusters.alpha.members[2].since: expected a date, got the string "
        "'2019-02-30', which is not a calendar date; fix: write a real date as YYYY-MM-DD, "
        "without quotes",
        f"{path}:24: clusters.beta.members[0].rol: unknown key 'rol'; fix: did you mean 'role'?",
    ]


# -- [[...]] array-of-tables style ------------------------------------------------------

ARRAY_OF_TABLES = """\
schema_version = 1

[clusters.alpha]
name = "Alpha"
type = "spearhead"
domain = "Chemistry"

[[clusters.alpha.funding]]
start = 2018-01-01
end = 2020-12-31

[[clusters.alpha.funding]]
start = 2021-01-01
end = 2027-12-31
end_basis = "guess"

[[clusters.alpha.members]]
partner = "acme"

[[clusters.alpha.members]]
partner = "gov"
role = "clusterpact"

[[clusters.alpha.members]]
partner = "uni"
since = "2019-02-30"

[clusters.beta]
name = "Beta"
type = "icn"
domain = "Drones"

[[clusters.beta.members]]
partner = "acme"
until = 2020-01-01T12:00:00
"""


def test_array_of_tables_style(tmp_path: Path) -> None:
    path = write_registry(tmp_path, ARRAY_OF_TABLES)
    assert located(path) == [
        "15: clusters.alpha.funding[1].end_basis",
        "26: clusters.alpha.members[2].since",
        "35: clusters.beta.members[0].until",
    ]


def test_array_of_tables_missing_key_points_at_its_header(tmp_path: Path) -> None:
    text = ARRAY_OF_TABLES.replace('partner = "gov"\n', "")
    text = text.replace('end_basis = "guess"', 'end_basis = "estimate"')
    text = text.replace('since = "2019-02-30"', "since = 2019-02-28")
    text = text.replace("until = 2020-01-01T12:00:00", "until = 2020-01-01")
    path = write_registry(tmp_path, text)
    assert located(path) == ["20: clusters.alpha.members[1].partner"]
    assert "missing required key 'partner'" in problems(path)[0]


# -- quoted keys ---------------------------------------------------------------------------

QUOTED = """\
"schema_version" = 1

[clusters."alpha"]
"name" = "Alpha"
'type' = "spearhead"
"domain" = "Chemistry"
"webiste" = "https://alpha.example"

[ clusters . 'beta' ]
name = "Beta"
type = "icn"
domain = "Drones"
"members" = [ { "partner" = "acme", 'since' = "2020-01-01" } ]

[partners."acme"]
"name" = "Acme"
"kind" = "firm"
"""


def test_quoted_keys(tmp_path: Path) -> None:
    path = write_registry(tmp_path, QUOTED)
    assert located(path) == [
        "7: clusters.alpha.webiste",
        "13: clusters.beta.members[0].since",
        "17: partners.acme.kind",
    ]


def test_quoted_key_with_escapes_and_spaces(tmp_path: Path) -> None:
    text = """\
schema_version = 1

[clusters.alpha]
name = "Alpha"
type = "icn"
domain = "Drones"
"na\\u006De " = "escaped"
"""
    path = write_registry(tmp_path, text)
    lines = problems(path)
    assert lines == [
        f"{path}:7: clusters.alpha.\"name \": unknown key 'name '; fix: did you mean 'name'?"
    ]


# -- multi-line strings holding brackets and '#' ------------------------------------------

MULTILINE = '''\
schema_version = 1

[clusters.alpha]
name = "Alpha"
type = "icn"
domain = "Drones"
notes = """
[[clusters.alpha.members]]
partner = "fake" # not a comment
[clusters.fake]
\\"""
"""
action_plan = \'\'\'
    ] still a string [ # and this
    \'\'\'
sources = [
    "https://alpha.example#anchor", # a real comment with "quotes" and [brackets]
    "https://x.example/[x]",
    'https://see.example/[plan]#here',  # a literal string with brackets and a hash
]
members = [
    { partner = "acme", since = "2019-01-01" },
]
'''


def test_multiline_strings_with_brackets_and_hash(tmp_path: Path) -> None:
    path = write_registry(tmp_path, MULTILINE)
    assert located(path) == ["22: clusters.alpha.members[0].since"]


def test_multiline_string_where_a_string_is_not_allowed(tmp_path: Path) -> None:
    text = MULTILINE.replace('"https://x.example/[x]",', "3,").replace(
        'since = "2019-01-01"', "since = 2019-01-01"
    )
    path = write_registry(tmp_path, text)
    assert located(path) == ["18: clusters.alpha.sources[1]"]


# -- dotted keys --------------------------------------------------------------------------

DOTTED = """\
schema_version = 1
policy.support_rate = 1.5

[clusters]
alpha.name = "Alpha"
alpha.type = "spearhead"
alpha.domian = "Chemistry"
alpha.members = [{ partner = "acme" }]
beta.name = "Beta"
beta . "type" = "icn"
beta.domain = "Drones"
beta.recognised = "2019-01-01"

[partners]
acme.name = "Acme"
acme.kind = "company"
acme.country = "be"
"""


def test_dotted_keys(tmp_path: Path) -> None:
    path = write_registry(tmp_path, DOTTED)
    assert located(path) == [
        "2: policy.support_rate",
        "5: clusters.alpha.domain",  # missing: the line where alpha is first written
        "7: clusters.alpha.domian",
        "12: clusters.beta.recognised",
        "17: partners.acme.country",
    ]


# -- missing paths fall back to the nearest written ancestor ------------------------------


def test_missing_keys_point_at_the_nearest_ancestor(tmp_path: Path) -> None:
    text = """\
schema_version = 1

[clusters.alpha]
name = "Alpha"
domain = "Chemistry"
funding = [
    { start = 2018-01-01 },
]
members = [
    { role = "founder" },
]

[partners.acme]
kind = "company"

[partners.gov]
name = "Gov"
kind = "government"
"""
    path = write_registry(tmp_path, text)
    assert located(path) == [
        "3: clusters.alpha.type",
        "7: clusters.alpha.funding[0].end",
        "10: clusters.alpha.members[0].partner",
        "13: partners.acme.name",
    ]


def test_missing_schema_version_is_at_the_top_of_the_file(tmp_path: Path) -> None:
    path = write_registry(tmp_path, '[clusters.a]\nname = "A"\ntype = "icn"\ndomain = "D"\n')
    assert problems(path) == [
        f"{path}:1: schema_version: missing required key 'schema_version'; "
        "fix: add schema_version = …"
    ]


def test_bad_id_points_at_its_header(tmp_path: Path) -> None:
    text = """\
schema_version = 1

[partners.acme]
name = "Acme"
kind = "company"

[partners.Gov_Flanders]
name = "Gov"
kind = "government"
"""
    path = write_registry(tmp_path, text)
    assert problems(path) == [
        f"{path}:7: partners.Gov_Flanders: id 'Gov_Flanders' is not a slug "
        "(lowercase letters, digits and '-'); fix: rename it, e.g. to 'gov-flanders'"
    ]


def test_crlf_line_endings_and_tables_reopened_by_subtables(tmp_path: Path) -> None:
    text = (
        "schema_version = 1\r\n"
        "\r\n"
        "[policy.max_years]\r\n"
        "icn = 3\r\n"
        "\r\n"
        "[policy]\r\n"
        "ending_soon_days = -1\r\n"
        "\r\n"
        "[policy.annual_cap_eur]\r\n"
        "spearhead = 500000\r\n"
        "icm = 150000\r\n"
    )
    path = tmp_path / "clusters.toml"
    path.write_bytes(text.encode("utf-8"))
    assert located(path) == ["7: policy.ending_soon_days", "11: policy.annual_cap_eur.icm"]


def test_tables_below_an_array_of_tables(tmp_path: Path) -> None:
    text = """\
schema_version = 1

[policy]
max_year = { icn = 3 }

[clusters.alpha]
name = "Alpha"
type = "icn"
domain = "Drones"

[[clusters.alpha.funding]]
start = 2018-01-01
end = 2018-12-31

[[clusters.alpha.funding]]
start = 2019-01-01
end = 2019-12-31

[clusters.alpha.funding.terms]
rate = 0.5
"""
    path = write_registry(tmp_path, text)
    assert located(path) == ["4: policy.max_year", "19: clusters.alpha.funding[1].terms"]
    assert "did you mean 'max_years'?" in problems(path)[0]


def test_date_time_values_and_numbers_in_inline_tables(tmp_path: Path) -> None:
    text = """\
schema_version = 1

[clusters.alpha]
name = "Alpha"
type = "icn"
domain = "Drones"
funding = [
    { start = 2018-01-01, end = 2020-12-31, support_rate = 0.5, annual_support_eur = 1.5e5 },
    { start = 2021-01-01 00:00:00, end = 2021-12-31, support_rate = 0.25 },
    { start = 2022-01-01, end = 2022-12-31, support_rate = 2.0 },
]
"""
    path = write_registry(tmp_path, text)
    assert located(path) == [
        "9: clusters.alpha.funding[1].start",
        "10: clusters.alpha.funding[2].support_rate",
    ]
    assert "write the date alone: 2021-01-01" in problems(path)[0]


def test_every_problem_is_reported_in_line_order(tmp_path: Path) -> None:
    text = "schema_version = 1\n" + "".join(
        f'\n[clusters.c{i}]\nname = "C{i}"\ntype = "icn"\ndomain = "D"\nwebsite = {i}\n'
        for i in range(12)
    )
    path = write_registry(tmp_path, text)
    assert located(path) == [f"{7 + 6 * i}: clusters.c{i}.website" for i in range(12)]
    result = run("--registry", str(path), "list")
    assert "12 schema problems" in result.stderr


# -- generated registries in hand-written layouts -----------------------------------------

# Generated registries (registry_strategies.registries, shared with the property tests).
REGISTRIES = registries()


def date_paths(data: dict) -> list[KeyPath]:
    out: list[KeyPath] = []
    for table in ("clusters", "events"):
        for ident, record in (data.get(table) or {}).items():
            out.extend((table, ident, k) for k, v in record.items() if isinstance(v, dt.date))
            for name in ARRAYS[table]:
                for index, item in enumerate(record.get(name) or ()):
                    out.extend(
                        (table, ident, name, index, k)
                        for k, v in item.items()
                        if isinstance(v, dt.date)
                    )
    return out


def table_paths(data: dict) -> list[KeyPath]:
    out: list[KeyPath] = [()]
    for table in ("clusters", "events"):
        for ident, record in (data.get(table) or {}).items():
            out.append((table, ident))
            for name in ARRAYS[table]:
                out.extend((table, ident, name, i) for i in range(len(record.get(name) or ())))
    out.extend(("partners", ident) for ident in data.get("partners") or {})
    return out


def dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@st.composite
def poisoned(draw):
    data = draw(REGISTRIES)
    candidates = [Poison("quote-date", p) for p in date_paths(data)]
    candidates += [Poison("extra-key", p) for p in table_paths(data)]
    poison = draw(st.sampled_from(candidates))
    return data, poison


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=poisoned(), rnd=st.randoms(use_true_random=False))
def test_generated_layouts_report_the_line_of_the_mistake(case, rnd) -> None:
    data, poison = case
    writer = HandWriter(rnd, poison)
    text = writer.document(data)
    line = writer.where[poison.reported]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clusters.toml"
        path.write_text(text, encoding="utf-8")
        assert located(path) == [f"{line}: {dotted(poison.reported)}"], text


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(data=REGISTRIES, rnd=st.randoms(use_true_random=False))
def test_generated_layouts_are_read_as_written(data, rnd) -> None:
    text = HandWriter(rnd).document(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clusters.toml"
        path.write_text(text, encoding="utf-8")
        result = run("--registry", str(path), "list", "--json", "--on", "2020-01-01")
        assert result.exit_code == 0, (result.stderr, text)
        assert [row["id"] for row in result.json()] == sorted(data.get("clusters") or {})


# -- the index itself: layouts its fast pass hands to the tokeniser, and its cost ----------

TRICKY = (
    "\ufeffschema_version = 1\r\n"  # 1: a byte-order mark and CRLF
    "deep = [[[[1], [2]]], [[[3]]]]\r\n"  # 2: arrays deeper than the fast pass reads
    "table = { a = { b = { c = { d = 1 } } } }\r\n"  # 3: inline tables as deep
    "  [ clusters . 'a b' ]  # spaces, quotes and a comment\r\n"  # 4
    'notes = """\r\n'  # 5: a string holding what looks like headers
    "[clusters.fake]\r\n"
    '[[clusters.fake.members]]\r\n"""\r\n'
    "when = { at = 1979-05-27 07:32:00, by = 'x' }\r\n"  # 9: a date-time with a space
    "[[clusters.'a b'.members]]\r\n"  # 10
    "partner = 'acme'\r\n"  # 11
    "[[clusters.'a b'.members]]\r\n"  # 12
    'roles = [\r\n  # a comment ]\r\n  "x]", [ "y" ],\r\n]\r\n'  # 13-16
    "[clusters.'a b'.members.extra]\r\n"  # 17: a table below the last member
    "since = 2020-01-01\r\n"  # 18
)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("schema_version",), 1),
        (("deep", 1, 0, 0, 0), 2),
        (("table", "a", "b", "c", "d"), 3),
        (("clusters", "a b"), 4),
        (("clusters", "a b", "notes"), 5),
        (("clusters", "fake"), 4),  # never written (only in the string): at `clusters`
        (("clusters", "a b", "when", "by"), 9),
        (("clusters", "a b", "members"), 10),
        (("clusters", "a b", "members", 0, "partner"), 11),
        (("clusters", "a b", "members", 1, "roles", 1, 0), 15),
        (("clusters", "a b", "members", 1, "extra", "since"), 18),
        (("clusters", "a b", "members", 1, "missing"), 12),
    ],
)
def test_the_index_reads_layouts_its_fast_pass_leaves_to_the_tokeniser(path, line) -> None:
    from flanders_clusters.registry.key_lines import LineIndex

    tomllib.loads(TRICKY.removeprefix("\ufeff"))  # valid TOML, as the index is given
    assert LineIndex(TRICKY).line(path) == line


# Found by an adversarial review: the string patterns backtracked, keeping ~300 bytes per
# character of one string (a 5 MB note made `validate` use 1.5 GB).
@pytest.mark.parametrize(
    "notes",
    [
        '"' + "x" * 2_000_000 + '"',
        '"""' + 'a\\n\\"b"' * 250_000 + '"""',
        "'''" + "y'" * 10**6 + "'''",
    ],
    ids=["basic", "multi-line-escapes", "multi-line-literal"],
)
def test_a_long_string_costs_the_index_about_its_size(notes: str) -> None:
    import tracemalloc

    from flanders_clusters.registry.key_lines import LineIndex

    text = f'schema_version = 1\n[clusters.a]\nname = "A"\nnotes = {notes}\nrecognised = "x"\n'
    tracemalloc.start()
    try:
        line = LineIndex(text).line(("clusters", "a", "recognised"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert line == 5
    assert peak < 1.5 * len(text)  # the string's token is copied once
