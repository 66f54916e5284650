"""Strict model for a view's header in ``svg/<view>.yaml``; its drawings are in ``svg/<view>.svg``
(layers of paths whose ids are slugs, see app/figure/svgfile.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.schemas.content import Strict, View

XY = Annotated[list[float], Field(min_length=2, max_length=2)]


class MeshBase(Strict):
    """Draw this view's body from the open mesh (see app/figure): which camera, and where it lands."""

    # front, back, right, left: the standing body seen from there; top, bottom: seen from above or
    # below with its front at the top of the view (the back of the foot, the sole)
    camera: Annotated[str, StringConstraints(pattern=r"^(front|back|right|left|top|bottom)$")]
    # 180: the view turned upside down, so a hanging hand is drawn fingers up as hand charts are
    roll: Literal[0, 180] = 0
    scale: float = Field(gt=0)  # view units per mesh unit
    origin: XY  # where the mesh's (0, 0) lands in the view
    # close-ups: keep only the mesh above / below these heights (mesh units), only one limb
    # (``r-arm``: the right arm; ``r-leg``: the right leg), and cut the outline to the view
    above: float | None = None
    below: float | None = None
    part: Annotated[str, StringConstraints(pattern=r"^[rl]-(arm|leg)$")] | None = None


class FigureView(Strict):
    view: View
    title: str
    width: float = Field(gt=0)
    height: float = Field(gt=0)
    midline: float | None = None  # x of the mirror axis (both sides, or a view drawn as a mirror image)
    # both sides, the right side only, or the left side only (drawn as the mirror image of ``drawing``)
    shows: Annotated[str, StringConstraints(pattern=r"^(both|right|left)$")] = "both"
    # the SVG with this view's drawings, when it is another view's (the left lateral mirrors the right)
    drawing: View | None = None
    right_on_viewer: Annotated[str, StringConstraints(pattern=r"^(left|right)$")]
    mesh: MeshBase | None = None  # None: the body outline is drawn in the SVG's 'body' layer
