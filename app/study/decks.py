"""Study decks from the read model: by region, by condition, or a list of muscles from the URL.

A card's id is its kind and its muscle (``pm-``, ``mp-``, ``tp-`` + slug): the same in every deck and
every build, so progress kept in a browser follows the card wherever it appears.
"""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any, Literal

from app import queries
from app.maps.render import MuscleDrawing
from app.schemas import study as s
from app.schemas.api import ZoneRef
from app.study import maps, scoring
from app.urls import urls

# the decks; each gathers regions of the data model (a muscle's region says which deck holds it)
STUDY_REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "head-and-neck": ("Head and neck", ("head", "neck")),
    "shoulder-and-arm": ("Shoulder and arm", ("shoulder", "arm", "elbow")),
    "forearm-and-hand": ("Forearm and hand", ("forearm", "wrist", "hand")),
    "trunk": ("Trunk", ("chest", "abdomen", "upper-back", "low-back")),
    "pelvis-and-hip": ("Pelvis and hip", ("pelvis", "hip", "buttock")),
    "thigh": ("Thigh", ("thigh", "knee")),
    "leg-and-foot": ("Leg and foot", ("leg", "ankle", "foot")),
}
STUDY_REGION_OF = {r: deck for deck, (_, rs) in STUDY_REGIONS.items() for r in rs}
CONDITION_PREFIX = "condition-"
CUSTOM = "custom"
MAX_CUSTOM = 60
WHOLE_VIEWS = ("anterior", "posterior", "lateral")
SCORING = ("pattern→muscle: right or wrong; muscle→pattern: essential zones 1, spillover 0.5, each zone marked "
           "outside the pattern −0.5, over the whole pattern, 0–1; where is the trigger point: 1 within the first "
           "tolerance of the nearest trigger point, falling to 0 at the second. A score suggests the SM-2 grade.")


class DeckError(Exception):
    """A bad deck request: an unknown deck (``missing``) or a bad muscle list."""

    def __init__(self, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def _stable(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()


def parse_muscles(value: str | None, known: set[str]) -> list[str]:
    ms = list(dict.fromkeys(m.strip() for m in (value or "").split(",") if m.strip()))
    if not ms:
        raise DeckError("muscles: name at least one muscle, e.g. muscles=upper-trapezius,levator-scapulae")
    if len(ms) > MAX_CUSTOM:
        raise DeckError(f"muscles: at most {MAX_CUSTOM}")
    unknown = [m for m in ms if m not in known]
    if unknown:
        raise DeckError("unknown muscle(s): " + ", ".join(unknown[:20]))
    return ms


def card_ids(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Every muscle's card ids, in deck order (pattern→muscle, muscle→pattern, where is the trigger point)."""
    ms = queries.muscles(conn)
    builder = _Builder(conn, ms)
    return {m["slug"]: builder.card_ids(m["slug"]) for m in ms}


def summaries(conn: sqlite3.Connection, ids: dict[str, list[str]] | None = None) -> list[s.DeckSummary]:
    """Every region deck, then every condition deck with muscles; the custom deck is made from a link."""
    ms = queries.muscles(conn)
    ids = ids if ids is not None else card_ids(conn)
    ms = [{**m, "cards": len(ids[m["slug"]])} for m in ms]
    out = []
    for slug, (title, regions) in STUDY_REGIONS.items():
        mine = [m for m in ms if m["region"] in regions]
        out.append(_summary(slug, title, "region", f"Every muscle of the {title.lower()} region.", mine))
    for c in queries.conditions(conn):
        if not c["muscle_count"]:
            continue
        detail = queries.condition(conn, c["slug"])
        assert detail is not None
        mine = [m for m in ms if m["slug"] in {x["slug"] for x in detail["muscles"]}]
        out.append(_summary(CONDITION_PREFIX + c["slug"], c["name"], "condition",
                            f"The muscles related to {c['name']}.", mine))
    return out


def deck_muscles(conn: sqlite3.Connection, summary: s.DeckSummary) -> list[str]:
    """The muscles of a listed deck (region or condition)."""
    if summary.kind == "region":
        regions = STUDY_REGIONS[summary.slug][1]
        return [m["slug"] for m in queries.muscles(conn) if m["region"] in regions]
    c = queries.condition(conn, summary.slug.removeprefix(CONDITION_PREFIX))
    return [m["slug"] for m in c["muscles"]] if c else []


DeckKind = Literal["region", "condition", "custom"]


def _summary(slug: str, title: str, kind: DeckKind, desc: str, ms: list[dict[str, Any]],
             custom: list[str] | None = None) -> s.DeckSummary:
    return s.DeckSummary(slug=slug, title=title, kind=kind, description=desc,
                         muscle_count=len(ms), card_count=sum(m.get("cards", 0) for m in ms),
                         url=urls.study_deck(slug, custom or ()), api=urls.api_study_deck(slug, custom or ()))


def deck(conn: sqlite3.Connection, slug: str, muscles_param: str | None = None,
         pictures: maps.WherePictures | None = None, transforms: bool = True) -> s.Deck:
    """A deck and its cards. ``pictures``: the atlas's drawn where-pictures, whose transforms the cards carry;
    without ``transforms`` none is drawn and the where-cards' are left empty (the deck page's cards get
    theirs with their pictures)."""
    ms = queries.muscles(conn)
    by_slug = {m["slug"]: m for m in ms}
    custom: list[str] | None = None
    kind: DeckKind
    if slug in STUDY_REGIONS:
        title, regions = STUDY_REGIONS[slug]
        chosen = [m["slug"] for m in ms if m["region"] in regions]
        kind, desc = "region", f"Every muscle of the {title.lower()} region."
    elif slug.startswith(CONDITION_PREFIX):
        c = queries.condition(conn, slug.removeprefix(CONDITION_PREFIX))
        if c is None:
            raise DeckError(f"no deck '{slug}'", missing=True)
        title, kind, desc = c["name"], "condition", f"The muscles related to {c['name']}."
        chosen = [m["slug"] for m in c["muscles"]]
    elif slug == CUSTOM:
        custom = chosen = parse_muscles(muscles_param, set(by_slug))
        title, kind, desc = "Custom deck", "custom", "A deck of chosen muscles, shared as a link."
    else:
        raise DeckError(f"no deck '{slug}'", missing=True)
    if muscles_param is not None and slug != CUSTOM:
        raise DeckError(f"muscles: only the custom deck takes a list of muscles (/study/{CUSTOM}?muscles=...)")
    summary = _summary(slug, title, kind, desc, [by_slug[m] for m in chosen], custom)
    builder = _Builder(conn, ms, pictures, transforms)
    details = [d for d in (queries.muscle(conn, m) for m in chosen) if d and d["trigger_points"]]
    cards: list[s.Card] = []
    cards += [pm for d in details if (pm := builder.pattern_card(d)) is not None]
    cards += [mp for d in details if (mp := builder.muscle_card(d)) is not None]
    cards += [tp for d in details if (tp := builder.where_card(d)) is not None]
    answers = [s.NameEntry(slug=m["slug"], name=m["name"], names=[m["name"], m["latin"], *m["aliases"]]) for m in ms]
    return s.Deck(**summary.model_dump(exclude={"card_count"}), card_count=len(cards), muscles=chosen, cards=cards,
                  answers=answers, scoring=SCORING)


def card(conn: sqlite3.Connection, card_id: str, pictures: maps.WherePictures | None = None) -> s.Card | None:
    """One card by its id (the same in every deck); None when there is no such card."""
    kind, _, slug = card_id.partition("-")
    d = queries.muscle(conn, slug) if kind in ("pm", "mp", "tp") else None
    if d is None or not d["trigger_points"]:
        return None
    builder = _Builder(conn, queries.muscles(conn), pictures)
    return {"pm": builder.pattern_card, "mp": builder.muscle_card, "tp": builder.where_card}[kind](d)




class _Builder:
    """What the cards of one deck share: the atlas's muscles, patterns and views, read once."""

    def __init__(self, conn: sqlite3.Connection, ms: list[dict[str, Any]],
                 pictures: maps.WherePictures | None = None, transforms: bool = True) -> None:
        self.conn = conn
        self.pictures = pictures or maps.WherePictures()
        self.transforms = transforms
        self.muscles = ms
        self.zones = queries.zones(conn)
        self.zone_views = {z["slug"]: z["views"] for z in self.zones}
        self.geos = {g.view: g for g in queries.views(conn)}
        self._patterns: dict[str, set[str]] = {}
        self._drawn: dict[str, list[MuscleDrawing]] | None = None

    def card_ids(self, slug: str) -> list[str]:
        d = queries.muscle(self.conn, slug)
        if d is None or not d["trigger_points"]:
            return []
        ess, spill = self._referral(d)
        out = [f"pm-{slug}", f"mp-{slug}"] if ess or spill else []
        return out + ([f"tp-{slug}"] if maps.where_view(self.conn, d, self.geos, self.drawn()) else [])

    def pattern(self, slug: str) -> set[str]:
        if slug not in self._patterns:
            self._patterns[slug] = set(queries.muscle_pattern(self.conn, slug, "right"))
        return self._patterns[slug]

    def choices(self, muscle: dict[str, Any]) -> list[s.Choice]:
        """The answer and three distractors from its study region: those whose patterns overlap it most,
        then those of the same body region, then a stable shuffle; shown in a stable shuffled order."""
        slug, region = muscle["slug"], STUDY_REGION_OF[muscle["region"]]
        mine = self.pattern(slug)
        pool = [m for m in self.muscles if m["slug"] != slug and STUDY_REGION_OF[m["region"]] == region
                and m["trigger_point_count"]]

        def plausible(m: dict[str, Any]) -> tuple[float, bool, str]:
            theirs = self.pattern(m["slug"])
            overlap = len(mine & theirs) / len(mine | theirs) if mine | theirs else 0.0
            return (-overlap, m["region"] != muscle["region"], _stable(slug, m["slug"]))

        picked = [muscle] + sorted(pool, key=plausible)[:3]
        picked.sort(key=lambda m: _stable("order", slug, m["slug"]))
        return [s.Choice(slug=m["slug"], name=m["name"]) for m in picked]

    @staticmethod
    def source(d: dict[str, Any]) -> str:
        src = d["sources"][0] if d["sources"] else None
        if src is None:
            return ""
        return str(src["citation"]).rstrip(". ") + (f". {src['locator']}" if src.get("locator") else ".")

    @staticmethod
    def _referral(d: dict[str, Any]) -> tuple[list[ZoneRef], list[ZoneRef]]:
        ess: dict[str, ZoneRef] = {}
        spill: dict[str, ZoneRef] = {}
        for tp in d["trigger_points"]:
            for z in tp["referral"]["essential"]:
                ess.setdefault(z["slug"], ZoneRef(**z))
            for z in tp["referral"]["spillover"]:
                spill.setdefault(z["slug"], ZoneRef(**z))
        return list(ess.values()), [z for k, z in spill.items() if k not in ess]

    def pattern_card(self, d: dict[str, Any]) -> s.PatternToMuscle | None:
        ess, spill = self._referral(d)
        if not ess and not spill:
            return None
        return s.PatternToMuscle(
            id=f"pm-{d['slug']}", muscle=d["slug"], muscle_name=d["name"], region=STUDY_REGION_OF[d["region"]],
            question_image=urls.study_pattern_svg(d["slug"]), answer_image=urls.muscle_svg(d["slug"]),
            answer_url=urls.muscle(d["slug"]), choices=self.choices(d),
            pattern=s.PatternWords(essential=[z.name for z in ess], spillover=[z.name for z in spill]),
            source=self.source(d))

    def views_for(self, zones: list[str]) -> list[str]:
        """Few views that draw every zone: the one drawing most of what is left each time; on a tie the
        close-up, which draws the zones larger."""
        left = {z for z in zones if self.zone_views.get(z)}
        order = [v for v in WHOLE_VIEWS if v in self.geos] + [v for v in self.geos if v not in WHOLE_VIEWS]
        chosen: list[str] = []
        while left:
            best = max(order, key=lambda v: (len({z for z in left if v in self.zone_views[z]}), v not in WHOLE_VIEWS))
            got = {z for z in left if best in self.zone_views[z]}
            if not got:
                break
            chosen.append(best)
            left -= got
        return [v for v in order if v in chosen]

    def muscle_card(self, d: dict[str, Any]) -> s.MuscleToPattern | None:
        ess, spill = self._referral(d)
        if not ess and not spill:
            return None
        return s.MuscleToPattern(
            id=f"mp-{d['slug']}", muscle=d["slug"], muscle_name=d["name"], region=STUDY_REGION_OF[d["region"]],
            essential=ess, spillover=spill, views=self.views_for([z.slug for z in ess + spill]),
            answer_image=urls.muscle_svg(d["slug"]), answer_url=urls.muscle(d["slug"]), source=self.source(d))

    def drawn(self) -> dict[str, list[MuscleDrawing]]:
        if self._drawn is None:
            self._drawn = {v: queries.view_muscles(self.conn, v) for v in self.geos}
        return self._drawn

    def where_card(self, d: dict[str, Any]) -> s.WhereTriggerPoint | None:
        w = maps.where_view(self.conn, d, self.geos, self.drawn())
        if w is None:
            return None
        transform = self.pictures.transform(d["slug"], w, d["name"]) if self.transforms else ()
        geo = w.view
        return s.WhereTriggerPoint(
            id=f"tp-{d['slug']}", muscle=d["slug"], muscle_name=d["name"], region=STUDY_REGION_OF[d["region"]],
            view=geo.view, view_title=geo.title,
            trigger_points=[s.TriggerPointTarget(label=lb, location=loc, x=x, y=y) for lb, loc, x, y in w.points],
            tolerance=list(scoring.tolerance(geo.width, geo.height)), question_image=urls.study_where_svg(d["slug"]),
            image_transform=list(transform), answer_image=urls.muscle_svg(d["slug"]),
            answer_url=urls.muscle(d["slug"]), source=self.source(d))


def where_svg(conn: sqlite3.Connection, slug: str, pictures: maps.WherePictures | None = None) -> str | None:
    """The where-is-the-trigger-point picture of one muscle (the same the card's transform belongs to)."""
    d = queries.muscle(conn, slug)
    if d is None:
        return None
    geos = {g.view: g for g in queries.views(conn)}
    w = maps.where_view(conn, d, geos, {v: queries.view_muscles(conn, v) for v in geos})
    return (pictures or maps.WherePictures()).svg(slug, w, d["name"]) if w else None
