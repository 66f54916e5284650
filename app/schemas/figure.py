"""Strict models for the figure data in ``svg/``: one file per view.

A view holds named landmarks (body's right side and midline; the left side is their mirror image
where the view shows both sides), the silhouette as an ordered list of landmark names, and the
muscle and zone shapes as lists of *point expressions* built from those landmarks, so a redrawn
landmark moves every shape that uses it. Point expressions:

``name``               a landmark (right side, or midline)
``L:name``             its mirror image on the left side
``a..b@0.3``           30 % of the way from ``a`` to ``b`` (either may carry ``L:``)
``<any> +dx,dy``       a hand correction, as an offset in view units
``name!``              (silhouette only) a sharp corner instead of a smooth curve
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from app.schemas.content import Slug, Strict, View

Expr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
XY = Annotated[list[float], Field(min_length=2, max_length=2)]


class Shape(Strict):
    outline: list[Expr] = Field(min_length=3)


class MuscleShape(Shape):
    # Fibres run from the origin line to the insertion line; trigger points are placed in the
    # (u, v) frame these two lines span (see app.schemas.content.TriggerPoint.at).
    origin: list[Expr] = Field(min_length=2, max_length=2)
    insertion: list[Expr] = Field(min_length=2, max_length=2)
    fibres: int = Field(7, ge=0, le=30)


class ZoneShape(Shape):
    smooth: bool = True


class MeshBase(Strict):
    """Draw this view's body from the open mesh (see app/figure) instead of the landmark outline.

    The landmark drawings (muscles, zones, details) are carried onto the mesh by a thin-plate
    spline fitted to pairs of points that mean the same place on both bodies.
    """

    camera: Annotated[str, StringConstraints(pattern=r"^(front|back|right|left)$")]
    scale: float = Field(gt=0)  # view units per mesh unit
    origin: XY  # where the mesh's (0, 0) lands in the view
    # close-ups: keep only the mesh above this height (mesh units) and cut the outline to the view
    above: float | None = None
    # [landmark expression, mesh joint]: the same place on both bodies
    pairs: list[Annotated[list[str], Field(min_length=2, max_length=2)]] = []
    # [old a, old b, mesh joint a, mesh joint b]: a bone; its skin crossings pair up too
    bones: list[Annotated[list[str], Field(min_length=4, max_length=4)]] = []
    # bones whose skin crossings would be misleading (an arm in front of the trunk)
    axes: list[Annotated[list[str], Field(min_length=4, max_length=4)]] = []
    symmetric: bool = False  # pairs are given for the right side; the left is their mirror image
    keep_details: list[str] = []  # landmark details still drawn over the mesh (kneecap, navel...)


class FigureView(Strict):
    view: View
    title: str
    width: float = Field(gt=0)
    height: float = Field(gt=0)
    midline: float | None = None  # x of the mirror axis; None: one side only is shown
    shows: Annotated[str, StringConstraints(pattern=r"^(both|right)$")] = "both"
    right_on_viewer: Annotated[str, StringConstraints(pattern=r"^(left|right)$")]
    landmarks: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")], XY]
    outline: list[Expr] = Field(min_length=3)
    # extra outlines drawn inside the figure for orientation (navel, knee cap, nails...)
    details: dict[str, list[Expr]] = {}
    muscles: dict[Slug, MuscleShape] = {}
    zones: dict[Slug, ZoneShape] = {}
    mesh: MeshBase | None = None


class FigurePart(Strict):
    """``svg/<view>.<part>.yaml``: more shapes (and landmarks) for a view, so several people can
    draw one view at once without editing the same file."""

    view: View
    landmarks: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")], XY] = {}
    details: dict[str, list[Expr]] = {}
    muscles: dict[Slug, MuscleShape] = {}
    zones: dict[Slug, ZoneShape] = {}
