"""Build the SQLite database from ``atlas_data/`` and ``svg/``, atomically and only when needed."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from shapely.geometry import Point as ShapelyPoint
from shapely.geometry.base import BaseGeometry
from sqlalchemy import text
from sqlmodel import Session, SQLModel, create_engine

from app import db
from app.figure import svgfile
from app.figure.base import projection
from app.figure.compile import CompiledView, FigureError, compile_view
from app.figure.mesh import ORIGIN as FIGURE_ORIGIN
from app.figure.mesh import MeshError
from app.loader.codes import icd10_title
from app.loader.read import Content, Problem, _load_yaml, _validate, read_content
from app.schemas.content import REGION_ORDER, Laterality, Muscle, Source, TriggerPoint, View
from app.schemas.figure import FigureView

# Bump when the database layout or the compiled geometry changes, so old builds are not reused.
BUILD_FORMAT = "14"
VIEW_ORDER = [v.value for v in View]


class BuildError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Atlas:
    """Everything read and compiled from the source files, ready to be written."""

    content: Content
    views: dict[str, CompiledView] = field(default_factory=dict)
    figures: dict[str, FigureView] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.content.problems


def input_hash(data_dir: Path, figure_dir: Path) -> str:
    h = hashlib.sha256(BUILD_FORMAT.encode())
    code = Path(__file__).resolve().parent.parent
    files = [*sorted(data_dir.rglob("*.yaml")), *sorted(figure_dir.rglob("*.yaml")), *sorted(figure_dir.rglob("*.svg"))]
    # the code that turns files into rows is an input too
    files += [code / "loader" / "build.py", code / "loader" / "read.py", code / "loader" / "codes.py",
              code / "schemas" / "content.py"]
    files += sorted((code / "figure").glob("*.py"))  # the mesh, its pose and projection
    for path in files:
        h.update(str(path.name).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _side_zone(base: str, sided: bool, tp_side: str, lat: Laterality) -> list[str]:
    if not sided:
        return [base]
    other = "left" if tp_side == "right" else "right"
    sides = {Laterality.ipsilateral: [tp_side], Laterality.contralateral: [other],
             Laterality.bilateral: [tp_side, other]}[lat]
    return [f"{s}-{base}" for s in sides]


def read_atlas(data_dir: Path, figure_dir: Path) -> Atlas:
    """Read, validate and compile everything; problems are collected on the result."""
    atlas = Atlas(content=read_content(data_dir))
    c = atlas.content
    p = c.problems
    for path in sorted(figure_dir.glob("*.yaml")):
        rel = f"{figure_dir.name}/{path.name}"
        fig = _validate(FigureView, _load_yaml(path, rel, p), rel, p)
        if fig is None:
            continue
        if fig.view.value != path.stem:
            p.append(Problem(rel, "view", f"'{fig.view.value}' does not match the file name"))
            continue
        source = fig.drawing.value if fig.drawing else path.stem
        svg_rel = f"{figure_dir.name}/{source}.svg"
        try:
            drawing = svgfile.read(figure_dir / f"{source}.svg", svg_rel)
            outline, lines, front = None, None, None
            armless: tuple[BaseGeometry, list[list[tuple[float, float]]]] | None = None
            if fig.mesh is not None:
                try:
                    pr = projection(fig.mesh, fig.width, fig.height)
                except MeshError as exc:
                    p.append(Problem(rel, "mesh", str(exc)))
                    continue
                outline, lines, front = pr.outline, pr.lines, pr.front
                m = fig.mesh
                if m.part is None and m.above is None and m.below is None:  # a whole view
                    bare = projection(m, fig.width, fig.height, arms=False)
                    armless = (bare.outline, bare.lines)
            cv = compile_view(fig, drawing, outline, lines, front, armless)
        except (FigureError, svgfile.SvgFigureError) as exc:
            p.append(Problem(svg_rel, "(figure)", str(exc).removeprefix(f"{svg_rel}")))
            continue
        atlas.views[fig.view.value] = cv
        atlas.figures[fig.view.value] = fig
        for item in drawing.items.values():
            if item.layer in ("muscles", "muscles-deep") and not item.id.endswith((".lines", ".tendon")):
                if item.id not in c.muscles:
                    p.append(Problem(f"{svg_rel}#{item.id}", item.layer, "no muscle with this slug in atlas_data/muscles"))
                elif c.muscles[item.id].depth.value == "deep" and item.layer != "muscles-deep":
                    # a deep muscle is never on the surface plate; a superficial one may lie under another
                    # (rhomboids under trapezius) and then belongs to the deep plate of that view
                    p.append(Problem(f"{svg_rel}#{item.id}", item.layer,
                                     "the muscle is deep: move it to the 'muscles-deep' layer"))
            elif item.layer == "zones" and item.id not in c.zones:
                p.append(Problem(f"{svg_rel}#{item.id}", "zones", "no zone with this slug in atlas_data/zones.yaml"))
            elif item.layer == "zones" and item.attrs.get("data-midline") == "true" and c.zones[item.id].sided:
                p.append(Problem(f"{svg_rel}#{item.id}", "zones", "the zone has a right and a left side: draw the "
                                 "right one without data-midline (only zones with 'sided: false' span the midline)"))
    _check_positions(atlas)
    for slug in c.muscles:
        if not any((slug, "right") in v.muscles for v in atlas.views.values()):
            atlas.warnings.append(Problem(c.muscle_files[slug], "(figure)", "not drawn on any view yet"))
    return atlas


def trigger_point_at(tp: TriggerPoint, view: str, atlas: Atlas) -> tuple[float, float] | None:
    """Where a trigger point sits in its muscle's frame on a view: its own entry, else the entry of the
    view whose drawing this one mirrors (the left lateral is the right lateral's), else ``at``; None
    when it is not on that view (beyond a close-up's cut)."""
    fig = atlas.figures[view]
    for key in (View(view), fig.drawing):
        if key is not None and key in tp.at_views:
            uv = tp.at_views[key]
            return None if uv is None else (uv[0], uv[1])
    return tp.at[0], tp.at[1]


def _check_positions(atlas: Atlas) -> None:
    for slug, muscle in atlas.content.muscles.items():
        f = atlas.content.muscle_files[slug]
        for i, tp in enumerate(muscle.trigger_points):
            for view, cv in atlas.views.items():
                side = cv.sides[0]  # right, or left on a view of the left side
                shape = cv.muscles.get((slug, side))
                if shape is None:
                    if View(view) in tp.at_views:
                        atlas.problems.append(Problem(f, f"trigger_points[{i}].at_views.{view}",
                                                      "the muscle is not drawn on this view"))
                    continue
                uv = trigger_point_at(tp, view, atlas)
                if uv is None:
                    continue
                x, y = shape.frame.at(*uv)
                if not shape.polygon.buffer(0.5).contains(ShapelyPoint(x, y)):
                    atlas.problems.append(Problem(
                        f, f"trigger_points[{i}].at", f"lies outside the muscle's shape on the {view} view "
                        f"(at {x:.1f},{y:.1f}); adjust 'at' or give 'at_views.{view}'"))


def _citation(s: Source) -> str:
    parts = [f"{s.authors}.", f"{s.title}."]
    if s.edition:
        parts.append(f"{s.edition}.")
    if s.container:
        parts.append(f"{s.container};")
    parts.append(f"{s.year}" + (f":{s.pages}." if s.pages else "."))
    if s.doi:
        parts.append(f"doi:{s.doi}")
    return " ".join(parts)


def _dump(model: object) -> object:
    return json.loads(json.dumps(model, default=lambda o: o.model_dump(mode="json")))


def write_database(atlas: Atlas, target: Path, digest: str) -> None:
    """Write the database into a temporary file and rename it into place (never half-written)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".atlas-", suffix=".sqlite.tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        engine = create_engine(f"sqlite:///{tmp}")
        SQLModel.metadata.create_all(engine)
        with Session(engine) as s:
            _insert(s, atlas, digest)
            s.commit()
            s.exec(text("CREATE VIRTUAL TABLE search_fts USING fts5(kind UNINDEXED, slug UNINDEXED, name, body, "
                        "tokenize='porter unicode61 remove_diacritics 2')"))  # type: ignore[call-overload]
            for kind, slug, name, body in _search_rows(atlas):
                s.exec(text("INSERT INTO search_fts VALUES (:k, :s, :n, :b)"),  # type: ignore[call-overload]
                       params={"k": kind, "s": slug, "n": name, "b": body})
            s.commit()
        engine.dispose()
        with sqlite3.connect(tmp) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise RuntimeError("the new database failed its integrity check")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _search_rows(atlas: Atlas) -> list[tuple[str, str, str, str]]:
    c = atlas.content
    rows = []
    for m in c.muscles.values():
        body = " ".join([m.latin, *m.aliases, m.group, m.summary, m.origin, m.insertion, m.innervation, m.action,
                         *(tp.location for tp in m.trigger_points)])
        rows.append(("muscle", m.slug, m.name, body))
    for cond in c.conditions.values():
        rows.append(("condition", cond.slug, cond.name, " ".join([*cond.aliases, *cond.icd10, *cond.icd11,
                                                                   cond.summary])))
    for g in c.groups.values():
        members = [c.muscles[m].name for m in g.members if m in c.muscles]
        rows.append(("group", g.slug, g.name, " ".join([g.latin or "", *g.aliases, *members, g.summary])))
    for z in c.zones.values():
        rows.append(("zone", z.slug, z.name, " ".join([*z.aliases, z.description or "", z.region.value])))
    return rows


def _insert(s: Session, atlas: Atlas, digest: str) -> None:
    c = atlas.content
    for src in c.sources.values():
        s.add(db.SourceRow(slug=src.slug, kind=src.kind, citation=_citation(src), doi=src.doi, url=src.url,
                           data=src.model_dump(mode="json")))
    zone_index = {z.slug: z for z in c.zones.values()}
    ordinal = 0
    for z in sorted(c.zones.values(), key=lambda z: REGION_ORDER.index(z.region.value)):
        for side in ("right", "left") if z.sided else ("midline",):
            ordinal += 1
            slug = f"{side}-{z.slug}" if z.sided else z.slug
            name = f"{z.name} ({side})" if z.sided else z.name
            s.add(db.ZoneRow(slug=slug, base=z.slug, name=name, base_name=z.name, region=z.region.value, side=side,
                             aliases=list(z.aliases), ordinal=ordinal))
    tp_id = 0
    for m in c.muscles.values():
        s.add(_muscle_row(m, c.muscle_files[m.slug]))
        for i, tp in enumerate(m.trigger_points):
            tp_id += 1
            s.add(db.TriggerPointRow(id=tp_id, muscle=m.slug, ordinal=i, label=tp.label, location=tp.location,
                                     notes=tp.notes, sources=_dump(tp.sources)))  # type: ignore[arg-type]
            for side in ("right", "left"):
                for kind in ("essential", "spillover"):
                    for ref in getattr(tp.referral, kind):
                        for zslug in _side_zone(ref.zone, zone_index[ref.zone].sided, side, ref.side):
                            s.add(db.ReferralRow(tp=tp_id, muscle=m.slug, muscle_side=side, zone=zslug, kind=kind))
                for view, cv in atlas.views.items():
                    shape = cv.muscles.get((m.slug, side))
                    uv = trigger_point_at(tp, view, atlas) if shape is not None else None
                    if shape is not None and uv is not None:
                        x, y = shape.frame.at(*uv)
                        s.add(db.TriggerPointPositionRow(tp=tp_id, view=view, side=side, x=round(x, 1),
                                                         y=round(y, 1)))
        for link in m.conditions:
            s.add(db.ConditionMuscleRow(condition=link.condition, muscle=m.slug, strength=link.strength.value,
                                        source=link.source.model_dump(mode="json")))
    for cond in c.conditions.values():
        s.add(db.ConditionRow(slug=cond.slug, name=cond.name, aliases=list(cond.aliases), icd10=list(cond.icd10),
                              icd11=list(cond.icd11), icd10_titles={c: icd10_title(c) or "" for c in cond.icd10},
                              summary=cond.summary, relevance=cond.trigger_point_relevance,
                              sources=_dump(cond.sources)))  # type: ignore[arg-type]
    for i, g in enumerate(c.groups.values()):
        s.add(db.GroupRow(slug=g.slug, name=g.name, kind=g.kind.value, latin=g.latin, aliases=list(g.aliases),
                          summary=g.summary, notes=g.notes, sources=_dump(g.sources), ordinal=i))  # type: ignore[arg-type]
        for j, member in enumerate(g.members):
            s.add(db.GroupMemberRow(grp=g.slug, muscle=member, ordinal=j))
    for i, guide in enumerate(c.guides.values()):
        s.add(db.PainGuideRow(slug=guide.slug, name=guide.name, zones=list(guide.zones),
                              source=guide.source.model_dump(mode="json"), ordinal=i))
        for j, gm in enumerate(guide.muscles):
            s.add(db.PainGuideMuscleRow(guide=guide.slug, muscle=gm.muscle, ordinal=j, essential=gm.essential))
    for view, cv in sorted(atlas.views.items(), key=lambda kv: VIEW_ORDER.index(kv[0])):
        s.add(db.ViewRow(view=view, ordinal=VIEW_ORDER.index(view), title=cv.title, width=cv.width, height=cv.height,
                         right_on_viewer=cv.right_on_viewer, sides=list(cv.sides), silhouette=cv.silhouette.d,
                         details=list(cv.details), map_details=list(cv.map_details),
                         armless=cv.armless.d if cv.armless else "",
                         armless_details=list(cv.armless_details), bones=[list(b) for b in cv.bones]))
        for i, ((slug, side), ms) in enumerate(cv.muscles.items()):
            s.add(db.MuscleShapeRow(muscle=slug, view=view, side=side, ordinal=i, d=ms.d, fibres=ms.fibres,
                                    plate="deep" if ms.layer == "muscles-deep" else "superficial", tendon=ms.tendon,
                                    whole=ms.whole, whole_fibres=ms.whole_fibres))
        for (slug, side), zs in cv.zones.items():
            # a midline zone drawn on a one-sided view is still the one midline zone
            midline = side == "midline" or not zone_index[slug].sided
            s.add(db.ZoneShapeRow(zone=slug if midline else f"{side}-{slug}", view=view, d=zs.d))
    counts = {"muscles": len(c.muscles), "trigger_points": tp_id, "zones": ordinal, "conditions": len(c.conditions),
              "groups": len(c.groups), "pain_guides": len(c.guides), "sources": len(c.sources),
              "views": len(atlas.views)}
    for key, value in {"input_hash": digest, "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                       "counts": json.dumps(counts),
                       "undrawn": json.dumps([w.file for w in atlas.warnings]),
                       "primer": c.primer.model_dump_json() if c.primer else "",
                       "about": c.about.model_dump_json() if c.about else "",
                       "figure_origin": FIGURE_ORIGIN}.items():
        s.add(db.Meta(key=key, value=value))


def _muscle_row(m: Muscle, file: str) -> db.MuscleRow:
    return db.MuscleRow(
        slug=m.slug, name=m.name, latin=m.latin, aliases=list(m.aliases), region=m.region.value, grp=m.group,
        depth=m.depth.value, summary=m.summary, origin=m.origin, insertion=m.insertion, innervation=m.innervation,
        action=m.action, needling=m.needling.model_dump(mode="json"), sources=_dump(m.sources),  # type: ignore[arg-type]
        review=_dump(m.review), file=file,  # type: ignore[arg-type]
    )


def stored_hash(path: Path) -> str | None:
    """The input hash of an existing, intact database; None when it is missing or damaged."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                return None
            row = conn.execute("SELECT value FROM meta WHERE key='input_hash'").fetchone()
            return row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


@dataclass
class BuildResult:
    built: bool
    digest: str
    warnings: list[Problem]


def build(data_dir: Path, figure_dir: Path, target: Path, force: bool = False) -> BuildResult:
    """Build when the inputs changed (or the database is missing or damaged); raise BuildError on bad data."""
    digest = input_hash(data_dir, figure_dir)
    if not force and stored_hash(target) == digest:
        return BuildResult(False, digest, [])
    atlas = read_atlas(data_dir, figure_dir)
    if atlas.problems:
        raise BuildError(atlas.problems)
    write_database(atlas, target, digest)
    return BuildResult(True, digest, atlas.warnings)
