"""Pages from templates: the Jinja2 environment, the frame around every page, and the
``page`` that page modules call.

Templates are rendered by Jinja2 with autoescaping on, so every string from the
registry is escaped for HTML text and attributes; rows and repeated markup are Jinja
macros (``macros.html``). The interface words come through ``jinja2.ext.i18n``: a
template says ``_("key")`` or ``_("key", name=value)``, and the site's ``gettext`` looks
the key up in the message catalogue of the page's language (``messages``) — templates
are never rewritten.

The frame of a page (``base.html``: head, header with navigation and search, footer) is
rendered once for each folder depth and navigation state, and each page's title and
content are put into it.
"""

from __future__ import annotations

import keyword
from functools import cached_property
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.idtracking import VAR_LOAD_RESOLVE
from markupsafe import Markup, escape

from .. import __version__
from .html_helpers import CSP, Pieces, script_json
from .shared_facts import Facts

Row = dict[str, Any]
_SLOT = "\x00"  # marks a slot of the frame (never in the site's own words and links)


# The site's own helpers that templates call (``_`` and the pieces of ``html_helpers``):
# plain functions, none of which takes Jinja2's context. (``end`` is not one: the cluster
# page passes its own ``end``, a value.)
HELPERS = frozenset(
    {
        "_",
        "d",
        "money",
        "number",
        "status",
        "link",
        "cluster_link",
        "partner_link",
        "event_link",
        "cluster_links",
        "partner_links",
    }
)


class Compiler(CodeGenerator):
    """Jinja2's compiler, but for the calls of the site's helpers and words.

    Jinja2 sends every call through ``context.call``, which asks the callable whether
    it wants the context, and escapes every word a template says (each a copy of a word
    escaped once already): a page says a hundred words, and these cost ten times the
    word itself. A call of one of ``HELPERS`` is compiled as a plain call, and the words
    of ``_`` (always HTML, see ``Pieces.say``) are written as they are; what any other
    call returns is escaped as before."""

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        if forward_caller or not _helper(node, frame):
            # (Jinja2 wraps its visitor, which takes this flag by name only)
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        self.visit(node.node, frame)
        self.write("(")
        for place, arg in enumerate((*node.args, *node.kwargs)):
            if place:
                self.write(", ")
            self.visit(arg, frame)
        self.write(")")

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if _helper(node, frame, "_") and finalize.src is None:
            self.write("(")
            return
        super()._output_child_pre(node, frame, finalize)


def _helper(node: nodes.Node, frame: Frame, names: Any = HELPERS) -> bool:
    """Whether ``node`` calls one of ``names`` as the environment has it (no template
    variable of that name hides it)."""
    if not (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name)):
        return False
    name = node.node.name
    if name not in names or node.dyn_args is not None or node.dyn_kwargs is not None:
        return False
    if any(keyword.iskeyword(kwarg.key) for kwarg in node.kwargs):
        return False
    ref = frame.symbols.find_ref(name)
    return ref is not None and frame.symbols.find_load(ref) == (VAR_LOAD_RESOLVE, name)


def environment(pieces: Pieces) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("flanders_clusters.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.code_generator_class = Compiler
    # the site's own gettext: a key of the catalogue, its {name}s filled in and escaped
    env.install_gettext_callables(  # type: ignore[attr-defined]
        pieces.say, pieces.plural, newstyle=False
    )
    # ``_`` is the site's gettext itself, not the extension's alias that looks gettext up
    # on every call (a page says a hundred words: the look-up doubled their cost)
    env.globals["_"] = pieces.say
    return env


class Renderer:
    """One build's templates, words and facts: what a page module needs to make pages."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.options = facts.options
        self.lang = facts.options.lang
        self.pieces = pieces = Pieces(
            self.lang,
            {"clusters": facts.clusters, "partners": facts.partners, "events": facts.events},
        )
        self.say = pieces.say
        self._frames: dict[tuple[str, str], tuple[str, ...]] = {}
        self._templates: dict[str, jinja2.Template] = {}
        self.env = environment(pieces)
        self.env.globals.update(
            d=pieces.date,
            end=pieces.end,
            money=pieces.money,
            number=pieces.number,
            status=pieces.status,
            link=pieces.link,
            cluster_link=pieces.cluster_link,
            partner_link=pieces.partner_link,
            event_link=pieces.event_link,
            cluster_links=pieces.cluster_links,
            partner_links=pieces.partner_links,
            lang=self.lang,
            csp=CSP,
            version=__version__,
            today=pieces.date(facts.on),  # the date judged on, as every page shows it
        )
        # every page imports the macros: with their globals one dict, Jinja2 finds the
        # module it made for the first page instead of comparing a chain of keys each time
        self.template("macros.html")

    def page(
        self, template: str, path: str, title: str, jsonld: Row | None = None, **context: Any
    ) -> tuple[str, bytes]:
        """A page: its template's content rendered, put into the frame."""
        # the templates call the helpers by their names (see ``Compiler``): a page's
        # values never take them
        assert HELPERS.isdisjoint(context), "a page's values take no helper's name"
        root = "../" * path.count("/")
        main = self.template(template).render(root=root, **context)
        return path, self.framed(path, title, main, jsonld)

    def template(self, name: str) -> jinja2.Template:
        """A page's template. Its globals are made one dict, once: Jinja2 copies them into
        every page's context, and a template's own are a chain over the environment's,
        slow to copy."""
        found = self._templates.get(name)
        if found is None:
            found = self._templates[name] = self.env.get_template(name)
            found.globals = dict(found.globals)
        return found

    def framed(self, path: str, title: str, main: str, jsonld: Row | None = None) -> bytes:
        """``main`` (HTML) put into the frame of ``path``, with its title (escaped here;
        the site's name after it, unless it is the site's name), its canonical link and
        its JSON-LD (escaped for ``<script>``)."""
        head, after_title, after_canonical, after_jsonld, foot = self.frame(path)
        site = self.pieces.text["site.name"]
        shown = escape(title) if title == site else escape(f"{title} · {site}")
        base = self.options.base_url
        canonical = f'<link rel="canonical" href="{escape(base + path)}">\n' if base else ""
        data = (
            f'<script type="application/ld+json">{script_json(jsonld)}</script>\n'
            if jsonld is not None
            else ""
        )
        parts = (head, shown, after_title, canonical, after_canonical, data)
        return "".join((*parts, after_jsonld, main, foot)).encode("utf-8")

    def frame(self, path: str) -> tuple[str, ...]:
        """``base.html`` around its slots (title, canonical, jsonld, main), rendered once
        for each folder depth and navigation state: every piece of it is the site's own
        words and links, so a marker character cannot be in it but at the slots."""
        root = "../" * path.count("/")
        current = path if path in self.nav_items else ""
        found = self._frames.get((root, current))
        if found is None:
            slot = Markup(_SLOT)
            html = self.template("base.html").render(
                root=root,
                items=[(href, label, href == current) for href, label in self.nav_items.items()],
                title=slot,
                canonical=slot,
                jsonld=slot,
                main=slot,
            )
            found = self._frames[(root, current)] = tuple(html.split(_SLOT))
            assert len(found) == 5, "base.html has a slot for each of the four pieces"
        return found

    @cached_property
    def nav_items(self) -> dict[str, Markup]:
        """The navigation: each page's path → its label."""
        items = {
            "index.html": "nav.home",
            "clusters/index.html": "nav.clusters",
            "partners/index.html": "nav.partners",
            "timeline.html": "nav.timeline",
            "network.html": "nav.network",
        }
        if self.facts.events:
            items["events/index.html"] = "nav.events"
        items["index.html#data"] = "nav.data"
        return {href: self.say(key) for href, key in items.items()}

    def prepare(self) -> None:
        """Make what every cluster and partner page uses, once (before a fork)."""
        self.facts.prepare()
        self.frame("clusters/page.html")
        self.template("macros.html")
