"""The figure files: layered SVG read the way an illustrator leaves it (Inkscape transforms, arcs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.figure import svgfile

SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
 viewBox="0 0 100 100">
<g inkscape:groupmode="layer" id="muscles" transform="matrix(-1 0 0 1 100 0)">
  <path id="m1" d="m 10,10 h 20 a 5 5 0 0 1 0 10 h -20 z" data-origin="10,10 10,20" data-insertion="30,10 30,20"/>
</g>
<g inkscape:groupmode="layer" id="zones"><path id="z1" d="M60 60L70 60L70 70Z"/></g>
<path id="guide" d="M0 0L1 1"/>
</svg>"""


def test_layer_transforms_move_paths_and_frames_and_arcs_become_curves(tmp_path: Path) -> None:
    f = tmp_path / "v.svg"
    f.write_text(SVG)
    fig = svgfile.read(f, "svg/v.svg")
    m = fig.items["m1"]
    xs = [x for ring in m.rings for x, _ in ring]
    assert min(xs) == pytest.approx(65, abs=0.6) and max(xs) == pytest.approx(90, abs=0.01)  # mirrored, arc included
    assert m.d.startswith("M90 10") and "C" in m.d and "A" not in m.d
    assert svgfile.frame_points(m, "origin", "x") == ((90.0, 10.0), (90.0, 20.0))
    assert set(fig.items) == {"m1", "z1"}  # paths outside the layers are the illustrator's guides


def test_problems_name_the_file_and_the_id(tmp_path: Path) -> None:
    f = tmp_path / "v.svg"
    f.write_text(SVG.replace('id="z1"', 'id="m1"'))
    with pytest.raises(svgfile.SvgFigureError, match=r"svg/v.svg#m1: the id is used twice"):
        svgfile.read(f, "svg/v.svg")
    f.write_text(SVG.replace('id="zones"', 'id="zonez"'))
    with pytest.raises(svgfile.SvgFigureError, match=r"svg/v.svg#zonez: unknown layer"):
        svgfile.read(f, "svg/v.svg")


BODY = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
 viewBox="0 0 100 100">
<g inkscape:groupmode="layer" id="body"><path id="silhouette" d="M5 5H95V95H5Z"/></g>
<g inkscape:groupmode="layer" id="muscles">
  <path id="m1" d="M20 10H40V90H20Z" data-origin="20,10 40,10" data-insertion="20,90 40,90"/>
  TENDON
</g>
</svg>"""


def test_a_tendon_is_the_part_of_its_muscle_drawn_white(tmp_path: Path) -> None:
    from app.figure.compile import FigureError, compile_view
    from app.schemas.figure import FigureView

    fig = FigureView.model_validate({"view": "hand-palmar", "title": "t", "width": 100, "height": 100,
                                     "shows": "right", "right_on_viewer": "left"})
    f = tmp_path / "v.svg"
    f.write_text(BODY.replace("TENDON", '<path id="m1.tendon" d="M10 70H50V95H10Z"/>'))
    cv = compile_view(fig, svgfile.read(f, "svg/v.svg"))
    ((_, m),) = cv.muscles.items()
    assert m.tendon.startswith("M") and m.polygon.area == pytest.approx(1600)
    from app.maps import paths

    x0, y0, x1, y1 = paths.bounds(m.tendon)  # clipped to the muscle
    assert (x0, y0, x1, y1) == pytest.approx((20, 70, 40, 90), abs=0.01)
    f.write_text(BODY.replace("TENDON", '<path id="m1.tendon" d="M60 10H80V30H60Z"/>'))
    with pytest.raises(FigureError, match=r"svg/v.svg#m1.tendon: lies outside its muscle"):
        compile_view(fig, svgfile.read(f, "svg/v.svg"))


def test_a_shape_touching_the_outline_keeps_its_area() -> None:
    """Cut by the outline it only touches, a zone can come back as a collection (its area and a
    sliver of shared edge); its path is still the area, never empty (the chin on the side view was)."""
    from shapely.geometry import GeometryCollection, LineString, Polygon

    from app.figure.compile import polygon_path

    area = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    d = polygon_path(GeometryCollection([area, LineString([(10, 0), (12, 0)])]))
    assert d.startswith("M") and d.count("L") == 3


def test_bones_lie_under_a_plate_and_problems_name_the_bone(tmp_path: Path) -> None:
    """The skeleton layer: a closed outline per bone, mirrored on a two-sided view, kept to the body,
    cut where the near hand hangs in front; a wrong id, an open path or a bone off the body is named."""
    from shapely.geometry import box

    from app.figure.compile import FigureError, compile_view
    from app.maps import paths
    from app.schemas.figure import FigureView

    fig = FigureView.model_validate({"view": "posterior", "title": "t", "width": 100, "height": 100,
                                     "shows": "both", "right_on_viewer": "right", "midline": 50})
    f = tmp_path / "v.svg"

    def bones(paths_xml: str) -> str:
        layer = f'<g inkscape:groupmode="layer" id="bones">{paths_xml}</g>'
        return BODY.replace("TENDON", "").replace('<g inkscape:groupmode="layer" id="muscles">', layer
                                                  + '<g inkscape:groupmode="layer" id="muscles">')

    f.write_text(bones('<path id="scapula-bone" d="M60 20H80V40H60Z"/>'
                       '<path id="sacrum-bone" d="M45 60H55V70H45Z" data-midline="true"/>'))
    cv = compile_view(fig, svgfile.read(f, "svg/v.svg"))
    boxes = sorted((ident, tuple(round(v) for v in paths.bounds(d))) for ident, d, _ in cv.bones)
    assert boxes == [("sacrum-bone", (45, 60, 55, 70)), ("scapula-bone", (20, 20, 40, 40)),
                     ("scapula-bone", (60, 20, 80, 40))]
    cut = compile_view(fig, svgfile.read(f, "svg/v.svg"), front=box(70, 0, 100, 100))
    assert max(paths.bounds(d)[2] for ident, d, _ in cut.bones if ident == "scapula-bone") == pytest.approx(70)
    # the uncut outline is kept for the plate drawn without the arm
    assert max(paths.bounds(w)[2] for ident, d, w in cut.bones if ident == "scapula-bone" and w) == pytest.approx(80)
    for xml, problem in (('<path id="scapula" d="M60 20H80V40H60Z"/>', "a bone's id ends in '-bone'"),
                         ('<path id="rib-bone" d="M60 20L80 40"/>', "a bone is a closed outline"),
                         ('<path id="rib-bone" d="M90 90H140V140H90Z"/>', "lies mostly outside the body")):
        f.write_text(bones(xml))
        with pytest.raises(FigureError, match=problem):
            compile_view(fig, svgfile.read(f, "svg/v.svg"))
