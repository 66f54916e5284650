"""Read and validate ``atlas_data/``: every problem is collected, none stops the reading early."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.loader.codes import icd10_title
from app.schemas.content import (
    About,
    Condition,
    ConditionsFile,
    GroupsFile,
    Muscle,
    MuscleGroup,
    PainGuide,
    PainGuidesFile,
    Primer,
    Source,
    SourceRef,
    SourcesFile,
    Zone,
    ZoneRef,
    ZonesFile,
)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


@dataclass
class Content:
    sources: dict[str, Source] = field(default_factory=dict)
    zones: dict[str, Zone] = field(default_factory=dict)
    conditions: dict[str, Condition] = field(default_factory=dict)
    muscles: dict[str, Muscle] = field(default_factory=dict)
    muscle_files: dict[str, str] = field(default_factory=dict)
    groups: dict[str, MuscleGroup] = field(default_factory=dict)
    guides: dict[str, PainGuide] = field(default_factory=dict)
    primer: Primer | None = None
    about: About | None = None
    problems: list[Problem] = field(default_factory=list)


def _loc(parts: Iterable[Any]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(file)"


def _load_yaml(path: Path, rel: str, problems: list[Problem]) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(rel, "(file)", f"cannot be read as YAML: {exc}".replace("\n", " ")))
        return None


def _validate(model: type[M], data: Any, rel: str, problems: list[Problem], prefix: tuple[Any, ...] = ()) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(Problem(rel, _loc(prefix + tuple(err["loc"])), err["msg"]))
        return None


def read_content(root: Path) -> Content:
    """Parse every data file under ``root`` and cross-check the references between them."""
    c = Content()
    p = c.problems

    def rel(path: Path) -> str:
        return str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)

    for name, model, attr in (
        ("sources.yaml", SourcesFile, "sources"),
        ("zones.yaml", ZonesFile, "zones"),
        ("conditions.yaml", ConditionsFile, "conditions"),
    ):
        path = root / name
        if not path.exists():
            p.append(Problem(rel(path), "(file)", "missing"))
            continue
        parsed = _validate(model, _load_yaml(path, rel(path), p), rel(path), p)
        if parsed is None:
            continue
        target: dict[str, Any] = getattr(c, attr)
        for i, item in enumerate(getattr(parsed, attr)):
            if item.slug in target:
                p.append(Problem(rel(path), f"{attr}[{i}].slug", f"duplicate slug '{item.slug}'"))
            target[item.slug] = item

    extras: tuple[tuple[str, type[BaseModel], str], ...] = (("primer.yaml", Primer, "primer"),
                                                             ("about.yaml", About, "about"))
    for name, extra, attr in extras:
        path = root / name
        if path.exists():
            setattr(c, attr, _validate(extra, _load_yaml(path, rel(path), p), rel(path), p))
            if attr == "primer" and c.primer is not None:
                refs = [s for sec in c.primer.sections for s in sec.sources]
                refs += [e.source for e in c.primer.adverse_events] + list(c.primer.contraindication_sources)
                for ref in refs:
                    if ref.source not in c.sources:
                        p.append(Problem(rel(path), "sources", f"unknown source '{ref.source}'"))
        else:
            p.append(Problem(rel(path), "(file)", "missing"))

    muscle_dir = root / "muscles"
    for path in sorted(muscle_dir.rglob("*.yaml")) if muscle_dir.exists() else []:
        r = rel(path)
        muscle = _validate(Muscle, _load_yaml(path, r, p), r, p)
        if muscle is None:
            continue
        if muscle.slug != path.stem:
            p.append(Problem(r, "slug", f"'{muscle.slug}' does not match the file name '{path.stem}'"))
        if muscle.slug in c.muscles:
            p.append(Problem(r, "slug", f"duplicate slug, also in {c.muscle_files[muscle.slug]}"))
            continue
        c.muscles[muscle.slug] = muscle
        c.muscle_files[muscle.slug] = r

    _cross_check(c, rel(root / "conditions.yaml"))
    _read_groups(c, root / "groups.yaml", rel(root / "groups.yaml"))
    _read_guides(c, root / "pain_guides.yaml", rel(root / "pain_guides.yaml"))
    return c


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """A hint for a misspelt slug: "; did you mean 'x'?" or nothing."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _entries(path: Path, file: str, p: list[Problem], key: str, file_model: type[BaseModel],
             entry_model: type[M]) -> list[tuple[int, M | None]]:
    """The entries of a file holding one list (``groups:``, ``guides:``), each validated on its own, so
    one broken entry does not hide the cross-reference problems of the others; none when the file is
    missing or not such a list (the problem is reported)."""
    if not path.exists():
        p.append(Problem(file, "(file)", "missing"))
        return []
    raw = _load_yaml(path, file, p)
    if not isinstance(raw, dict) or not isinstance(raw.get(key), list):
        _validate(file_model, raw, file, p)
        return []
    _validate(file_model, {**raw, key: []}, file, p)  # the file's own keys
    return [(i, _validate(entry_model, item, file, p, (key, i))) for i, item in enumerate(raw[key])]


def _read_groups(c: Content, path: Path, file: str) -> None:
    """Group names (iliopsoas, rotator cuff...): members must be muscles, names must not shadow one."""
    p = c.problems
    entries = _entries(path, file, p, "groups", GroupsFile, MuscleGroup)
    muscle_names = {k.lower(): slug for slug, m in c.muscles.items() for k in [m.name, *m.aliases]}
    group_names: dict[str, str] = {}
    for i, g in entries:
        if g is None:
            continue
        if g.slug in c.groups:
            p.append(Problem(file, f"groups[{i}].slug", f"duplicate slug '{g.slug}'"))
            continue
        for j, member in enumerate(g.members):
            if member not in c.muscles:
                p.append(Problem(file, f"groups[{i}].members[{j}]",
                                 f"unknown muscle '{member}'{did_you_mean(member, c.muscles)}"))
        for key in [g.name, *g.aliases]:
            k = key.lower()
            # a group name that is also a muscle's name would make search and links ambiguous
            if k in muscle_names:
                p.append(Problem(file, f"groups[{i}].aliases",
                                 f"'{key}' is also a name or alias of the muscle '{muscle_names[k]}'"))
            elif k in group_names and group_names[k] != g.slug:
                p.append(Problem(file, f"groups[{i}].aliases", f"'{key}' is also a name of the group '{group_names[k]}'"))
            group_names.setdefault(k, g.slug)
        _check_refs(((f"groups[{i}].sources[{j}].source", s) for j, s in enumerate(g.sources)), c, file)
        c.groups[g.slug] = g


def _read_guides(c: Content, path: Path, file: str) -> None:
    """The pain guides: every muscle must exist and refer to at least one of its area's zones (a guide
    that named a muscle whose pattern misses the area would rank it for pain it does not explain)."""
    p = c.problems
    for i, g in _entries(path, file, p, "guides", PainGuidesFile, PainGuide):
        if g is None:
            continue
        if g.slug in c.guides:
            p.append(Problem(file, f"guides[{i}].slug", f"duplicate slug '{g.slug}'"))
            continue
        for j, z in enumerate(g.zones):
            if z not in c.zones:
                p.append(Problem(file, f"guides[{i}].zones[{j}]", f"unknown zone '{z}'{did_you_mean(z, c.zones)}"))
        for j, gm in enumerate(g.muscles):
            m = c.muscles.get(gm.muscle)
            where = f"guides[{i}].muscles[{j}]"
            if m is None:
                p.append(Problem(file, where, f"unknown muscle '{gm.muscle}'{did_you_mean(gm.muscle, c.muscles)}"))
                continue
            ess = {r.zone for tp in m.trigger_points for r in tp.referral.essential}
            spill = {r.zone for tp in m.trigger_points for r in tp.referral.spillover}
            if not set(g.zones) & (ess | spill):
                p.append(Problem(file, where, f"'{gm.muscle}' refers to none of the area's zones {g.zones}"))
            elif gm.essential and not set(g.zones) & ess:
                p.append(Problem(file, f"{where}.essential", f"'{gm.muscle}' has none of the area's zones as essential"))
        _check_refs([(f"guides[{i}].source.source", g.source)], c, file)
        c.guides[g.slug] = g


def _targets(refs: Iterable[ZoneRef], c: Content) -> set[tuple[str, str]]:
    """(zone, side relative to the trigger point) pairs a referral list reaches; a midline zone has one side."""
    out: set[tuple[str, str]] = set()
    for r in refs:
        z = c.zones.get(r.zone)
        if z is not None and not z.sided:
            out.add((r.zone, "midline"))
        else:
            sides = {"ipsilateral": ("ipsilateral",), "contralateral": ("contralateral",),
                     "bilateral": ("ipsilateral", "contralateral")}[r.side.value]
            out |= {(r.zone, side) for side in sides}
    return out


def _check_refs(refs: Iterable[tuple[str, SourceRef]], c: Content, file: str) -> None:
    for where, ref in refs:
        if ref.source not in c.sources:
            c.problems.append(Problem(file, where, f"unknown source '{ref.source}'"))


def _cross_check(c: Content, conditions_file: str) -> None:
    p = c.problems
    for i, cond in enumerate(c.conditions.values()):
        _check_refs(((f"conditions[{i}].sources[{j}].source", s) for j, s in enumerate(cond.sources)), c, conditions_file)
        for j, code in enumerate(cond.icd10):
            if icd10_title(code) is None:
                p.append(Problem(conditions_file, f"conditions[{i}].icd10[{j}]",
                                 f"'{code}' is not a category or subcategory of WHO ICD-10 (2019)"))

    alias_owner: dict[str, str] = {}
    for slug, m in c.muscles.items():
        f = c.muscle_files[slug]
        for key in [m.name, *m.aliases]:
            k = key.lower()
            if k in alias_owner and alias_owner[k] != slug:
                p.append(Problem(f, "aliases", f"'{key}' is also a name or alias of '{alias_owner[k]}'"))
            alias_owner.setdefault(k, slug)
        refs: list[tuple[str, SourceRef]] = [(f"sources[{j}].source", s) for j, s in enumerate(m.sources)]
        refs += [(f"needling.sources[{j}].source", s) for j, s in enumerate(m.needling.sources)]
        refs += [(f"conditions[{j}].source.source", cl.source) for j, cl in enumerate(m.conditions)]
        for j, rv in enumerate(m.review):
            refs += [(f"review[{j}].against[{k}].source", s) for k, s in enumerate(rv.against)]
        for t, tp in enumerate(m.trigger_points):
            refs += [(f"trigger_points[{t}].sources[{j}].source", s) for j, s in enumerate(tp.sources)]
            for kind in ("essential", "spillover"):
                for z, zref in enumerate(getattr(tp.referral, kind)):
                    if zref.zone not in c.zones:
                        p.append(Problem(f, f"trigger_points[{t}].referral.{kind}[{z}]", f"unknown zone '{zref.zone}'"))
            # a zone may be essential on one side and spillover on the other (SCM's forehead, gluteus
            # medius over the sacrum): only the same zone on the same side cannot be both
            both = {z[0] for z in _targets(tp.referral.essential, c) & _targets(tp.referral.spillover, c)}
            if both:
                p.append(Problem(f, f"trigger_points[{t}].referral",
                                 f"zones both essential and spillover on the same side: {sorted(both)}"))
        _check_refs(refs, c, f)
        for j, cl in enumerate(m.conditions):
            if cl.condition not in c.conditions:
                p.append(Problem(f, f"conditions[{j}].condition", f"unknown condition '{cl.condition}'"))
        if m.needling.needled and not m.needling.structures_at_risk:
            p.append(Problem(f, "needling.structures_at_risk", "a needled muscle must name the structures at risk"))
