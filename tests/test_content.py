"""Consistency of the real atlas_data/ and svg/: what CONTENT.md and the issues promise."""

from __future__ import annotations

from collections import Counter

import pytest

from app.loader.build import Atlas, read_atlas
from app.schemas.content import RiskKind
from app.settings import ROOT

# Muscles that lie over the thorax (the needle could reach the pleura through or beside them)
THORACIC_REGIONS = {"chest", "upper-back"}
OVER_THORAX = {"upper-trapezius", "middle-trapezius", "lower-trapezius", "scalenus-anterior", "scalenus-medius",
               "scalenus-posterior", "scalenus-minimus", "supraspinatus", "infraspinatus", "teres-major", "teres-minor",
               "subscapularis", "latissimus-dorsi", "rhomboid-major", "rhomboid-minor", "serratus-anterior",
               "serratus-posterior-superior", "serratus-posterior-inferior", "iliocostalis-thoracis",
               "longissimus-thoracis", "intercostals", "pectoralis-minor", "subclavius", "levator-scapulae",
               "quadratus-lumborum"}


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return read_atlas(ROOT / "atlas_data", ROOT / "svg")


def test_the_real_data_builds_without_a_problem(atlas: Atlas) -> None:
    # covers: unique slugs and aliases, every reference resolves, every trigger point inside its shape
    assert [str(p) for p in atlas.problems] == []
    assert [str(w) for w in atlas.warnings] == []  # every muscle drawn on at least one view


def test_coverage_targets(atlas: Atlas) -> None:
    c = atlas.content
    assert len(c.muscles) >= 140
    assert len(c.conditions) >= 30
    assert all(cond.icd10 and cond.icd11 for cond in c.conditions.values())
    regions = Counter(m.region.value for m in c.muscles.values())
    for region in ("head", "neck", "shoulder", "arm", "forearm", "hand", "chest", "abdomen", "upper-back", "low-back",
                   "pelvis", "hip", "thigh", "leg", "foot"):
        assert regions[region] >= 1, region


def test_every_entry_is_complete(atlas: Atlas) -> None:
    for slug, m in atlas.content.muscles.items():
        assert m.trigger_points and all(tp.referral.essential for tp in m.trigger_points), slug
        assert m.needling.sources and m.sources, slug
        assert len(m.review) >= 2, f"{slug}: no independent second review recorded"


def test_every_muscle_over_the_thorax_names_the_lung(atlas: Atlas) -> None:
    for slug, m in atlas.content.muscles.items():
        if (m.region.value in THORACIC_REGIONS or slug in OVER_THORAX) and m.needling.needled:
            kinds = {r.kind for r in m.needling.structures_at_risk}
            assert RiskKind.lung in kinds, f"{slug}: needled over the thorax without a lung/pleura note"


def test_every_zone_of_a_pattern_is_drawn_where_the_pattern_shows(atlas: Atlas) -> None:
    drawn = {slug for v in atlas.views.values() for slug, _ in v.zones}
    for slug, m in atlas.content.muscles.items():
        for tp in m.trigger_points:
            for ref in [*tp.referral.essential, *tp.referral.spillover]:
                assert ref.zone in drawn, f"{slug} {tp.label}: zone '{ref.zone}' is drawn on no view"


def test_left_and_right_are_consistent(atlas: Atlas) -> None:
    for name, view in atlas.views.items():
        for (slug, side), shape in view.muscles.items():
            if side == "left" and (slug, "right") in view.muscles:
                right = view.muscles[(slug, "right")].polygon
                mid = atlas.figures[name].midline
                assert mid is not None
                # the left shape is the mirror image: its centroid mirrors the right one's
                assert abs((2 * mid - right.centroid.x) - shape.polygon.centroid.x) < 0.5, (name, slug)
        for (slug, _side), z in view.zones.items():
            assert z.polygon.area > 1 and z.polygon.is_valid, (name, slug)
        body = view.silhouette.polygon
        for (slug, side), m in view.muscles.items():
            assert m.polygon.is_valid, (name, slug)
            assert body.buffer(2).contains(m.polygon), f"{name}: {slug} ({side}) crosses the body outline"


def test_the_left_lateral_view_mirrors_the_right_one_point_for_point(atlas: Atlas) -> None:
    """The left lateral view is the right lateral drawing mirrored: shapes and trigger points alike."""
    from app.loader.build import trigger_point_at

    right, left = atlas.views["lateral"], atlas.views["lateral-left"]
    mid = atlas.figures["lateral-left"].midline
    assert mid is not None and left.sides == ("left",)
    checked = 0
    for slug, m in atlas.content.muscles.items():
        r, lft = right.muscles.get((slug, "right")), left.muscles.get((slug, "left"))
        assert (r is None) == (lft is None), slug
        if r is None or lft is None:
            continue
        for tp in m.trigger_points:
            xr, yr = r.frame.at(*trigger_point_at(tp, "lateral", atlas))
            xl, yl = lft.frame.at(*trigger_point_at(tp, "lateral-left", atlas))
            assert abs((2 * mid - xr) - xl) < 0.5 and abs(yr - yl) < 0.5, (slug, tp.label)
            checked += 1
    assert checked > 50
