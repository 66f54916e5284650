"""A small atlas for the loader's tests: the real data and drawings cut down to a few muscles.

A build of the whole atlas costs most of a minute on these machines, and the loader's tests (atomic
builds, skipped rebuilds, problem reports, a killed build) need several each; what they test does
not depend on how many muscles there are. The small atlas is cut from the bundled files at test
time rather than kept as a copy in the repository, so it cannot drift from the real formats: the
muscles kept keep their files, the drawings lose every other muscle's shape (and its `.lines` and
`.tendon` parts), and groups keep the members that remain (those left with fewer than two go).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from app.settings import ROOT

# neck and shoulder muscles on several views, and tibialis anterior, whose trigger point lies
# beyond the foot close-ups' cut (a test places it with `at_views: null`)
MUSCLES = frozenset({"upper-trapezius", "levator-scapulae", "infraspinatus", "tibialis-anterior"})
_LAYER = re.compile(r'(<g\b[^>]*inkscape:label="(?:muscles|muscles-deep)"[^>]*>)(.*?)(</g>)', re.S)
_PATH = re.compile(r'\s*<path\b[^>]*\bid="([^"]+)"[^>]*/>', re.S)


def make(dest: Path, muscles: frozenset[str] = MUSCLES) -> tuple[Path, Path]:
    """Write the small atlas under ``dest``; returns its data folder and its figure folder."""
    data, fig = dest / "atlas_data", dest / "svg"
    shutil.copytree(ROOT / "atlas_data", data, ignore=shutil.ignore_patterns("muscles"))
    for src in (ROOT / "atlas_data" / "muscles").rglob("*.yaml"):
        if src.stem in muscles:
            out = data / src.relative_to(ROOT / "atlas_data")
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, out)
    groups = yaml.safe_load((data / "groups.yaml").read_text())
    kept = []
    for g in groups["groups"]:
        g["members"] = [m for m in g["members"] if m in muscles]
        if len(g["members"]) >= 2:
            kept.append(g)
    groups["groups"] = kept
    (data / "groups.yaml").write_text(yaml.safe_dump(groups, sort_keys=False, allow_unicode=True))
    guides = yaml.safe_load((data / "pain_guides.yaml").read_text())
    for g in guides["guides"]:
        g["muscles"] = [m for m in g["muscles"] if m["muscle"] in muscles]
    guides["guides"] = [g for g in guides["guides"] if g["muscles"]]
    (data / "pain_guides.yaml").write_text(yaml.safe_dump(guides, sort_keys=False, allow_unicode=True))
    fig.mkdir()
    for src in (ROOT / "svg").iterdir():
        text = src.read_text()
        if src.suffix == ".svg":
            def only_kept(layer: re.Match[str]) -> str:
                body = _PATH.sub(lambda p: p[0] if p[1].split(".")[0] in muscles else "", layer[2])
                return layer[1] + body + layer[3]
            text = _LAYER.sub(only_kept, text)
        (fig / src.name).write_text(text)
    return data, fig
