"""Contexts of the study pages: the deck list with the index the browser sums progress over, and one deck."""

from __future__ import annotations

import json
import math
from typing import Any

from app.atlas import Atlas
from app.contexts import Ctx, crumbs
from app.study import decks, maps
from app.urls import urls

PAGE_SIZE = 10  # cards on a deck's page without JavaScript


def _script_json(data: Any) -> str:
    """JSON to sit inside <script type="application/json">: nothing in it can close the element."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")


def home(atlas: Atlas) -> Ctx:
    with atlas.lock:
        ids = decks.card_ids(atlas.conn)
        listed = decks.summaries(atlas.conn, ids)
        members = {d.slug: decks.deck_muscles(atlas.conn, d) for d in listed}
    example = urls.study_deck(decks.CUSTOM, ["upper-trapezius", "levator-scapulae", "splenius-capitis"])
    index = {d.slug: {"title": d.title, "kind": d.kind, "url": d.url,
                      "cards": [i for m in members[d.slug] for i in ids.get(m, [])]} for d in listed}
    return {
        "page": "study", "title": "Study", "breadcrumbs": crumbs(("Study", None)),
        "regions": [d.model_dump() for d in listed if d.kind == "region"],
        "conditions": [d.model_dump() for d in listed if d.kind == "condition"],
        "custom_example": example, "online_example": atlas.base_url + example,
        "_index": _script_json(index),
    }


def deck(atlas: Atlas, slug: str, muscles: str | None = None, page: int = 1) -> Ctx:
    """One page of a deck. Without JavaScript it lists PAGE_SIZE cards and links to the other pages; with
    it, the first page is where the deck is studied: it carries the deck as JSON and the address of each
    card's fragment, and loads the cards one at a time. Raises decks.DeckError for an unknown deck or page,
    or a bad muscle list."""
    with atlas.lock:
        # the where-pictures are not drawn for the page: each card's transform comes with its fragment
        d = decks.deck(atlas.conn, slug, muscles, transforms=False)
    pages = max(1, math.ceil(len(d.cards) / PAGE_SIZE))
    if not 1 <= page <= pages:
        raise decks.DeckError(f"no page {page} in deck '{d.slug}' (it has {pages})", missing=True)
    custom = d.muscles if d.kind == "custom" else []
    start = (page - 1) * PAGE_SIZE
    shown = d.cards[start:start + PAGE_SIZE]
    exports = {kind: urls.study_deck(d.slug, custom, suffix)
               for kind, suffix in (("apkg", ".apkg"), ("moodle", ".moodle.xml"), ("worksheet", ".worksheet.pdf"))}
    views = list(dict.fromkeys(v for c in d.cards if c.kind == "muscle-pattern" for v in c.views))
    fragments = {f"card-{c.id}": urls.study_fragment(f"card-{c.id}") for c in d.cards}
    fragments.update({f"board-{v}": urls.study_fragment(f"board-{v}") for v in views})
    data = d.model_dump(exclude={"cards", "answers"})
    which = f"Cards {start + 1}–{start + len(shown)}"
    trail = [("Study", urls.study()), (d.title, None)] if page == 1 else \
        [("Study", urls.study()), (d.title, urls.study_deck(d.slug, custom)), (which, None)]
    return {
        "page": "study-deck", "title": f"Study: {d.title}" + (f", {which.lower()}" if page > 1 else ""),
        "breadcrumbs": crumbs(*trail),
        "deck": data,
        "cards": [c.model_dump() for c in shown],
        "pager": {"page": page, "pages": pages, "first": start + 1, "last": start + len(shown),
                  "prev": urls.study_deck(d.slug, custom, page=page - 1) if page > 1 else None,
                  "next": urls.study_deck(d.slug, custom, page=page + 1) if page < pages else None,
                  "links": [urls.study_deck(d.slug, custom, page=n) for n in range(1, pages + 1)]},
        "exports": exports,
        "online": {kind: atlas.base_url + url for kind, url in exports.items()},
        # the study itself runs on the deck's first page only: the others are plain pages of cards
        "_fragments": fragments if page == 1 else {},
        "_deck_json": _script_json(d.model_dump()) if page == 1 else "",
        "_answers": [a.name for a in d.answers],
    }


def fragment(atlas: Atlas, name: str) -> tuple[str, Ctx]:
    """The template and context of one fragment the deck page loads: a card (``card-<id>``), with its
    where-picture inline, or a marking board (``board-<view>``). Raises LookupError when there is none."""
    kind, _, rest = name.partition("-")
    with atlas.lock:
        if kind == "card":
            c = decks.card(atlas.conn, rest, atlas.study_pictures)
            if c is None:
                raise LookupError(f"no card '{rest}'")
            where = decks.where_svg(atlas.conn, c.muscle, atlas.study_pictures) if c.kind == "where-tp" else None
            return "_study_card.html", {"card": c.model_dump(), "where": {c.muscle: where} if where else {}}
        svg = maps.board(atlas.conn, rest, f"board-{rest}") if kind == "board" else None
    if svg is None:
        raise LookupError(f"no fragment '{name}'")
    return "_study_board.html", {"view": rest, "svg": svg}


def js_fragment(name: str, html: str) -> str:
    """A fragment as a script that hands it to the study script: a script loads from file:// where a fetch
    cannot. The HTML stays as it is inside a single-quoted string, so the exporter rewrites its links."""
    body = (html.strip().replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return f"AtlasStudy.fragment('{name}', '{body}');\n"
