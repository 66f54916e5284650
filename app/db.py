"""The database tables (SQLModel) and the read-only connection used at run time.

Nested content that is only ever read whole (a needling note, a list of citations) is stored as
JSON in one column; everything that is searched, joined or ranked on has its own table.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


def _json() -> Column:  # type: ignore[type-arg]
    return Column(JSON, nullable=False)


class Meta(SQLModel, table=True):
    key: str = Field(primary_key=True)
    value: str


class SourceRow(SQLModel, table=True):
    __tablename__ = "source"
    slug: str = Field(primary_key=True)
    kind: str
    citation: str
    doi: str | None = None
    url: str | None = None
    data: dict = Field(sa_column=_json())  # type: ignore[type-arg]


class ZoneRow(SQLModel, table=True):
    __tablename__ = "zone"
    slug: str = Field(primary_key=True)  # sided: right-temple, left-temple; midline: sacrum
    base: str = Field(index=True)
    name: str
    base_name: str
    region: str = Field(index=True)
    side: str
    aliases: list = Field(sa_column=_json())  # type: ignore[type-arg]
    ordinal: int


class MuscleRow(SQLModel, table=True):
    __tablename__ = "muscle"
    slug: str = Field(primary_key=True)
    name: str
    latin: str
    aliases: list = Field(sa_column=_json())  # type: ignore[type-arg]
    region: str = Field(index=True)
    grp: str
    depth: str
    summary: str
    origin: str
    insertion: str
    innervation: str
    action: str
    needling: dict = Field(sa_column=_json())  # type: ignore[type-arg]
    sources: list = Field(sa_column=_json())  # type: ignore[type-arg]
    review: list = Field(sa_column=_json())  # type: ignore[type-arg]
    file: str


class TriggerPointRow(SQLModel, table=True):
    __tablename__ = "trigger_point"
    id: int = Field(primary_key=True)
    muscle: str = Field(index=True, foreign_key="muscle.slug")
    ordinal: int
    label: str
    location: str
    notes: str | None = None
    sources: list = Field(sa_column=_json())  # type: ignore[type-arg]


class ReferralRow(SQLModel, table=True):
    """One zone of one trigger point's pattern, expanded for the muscle on each side."""

    __tablename__ = "referral"
    id: int | None = Field(default=None, primary_key=True)
    tp: int = Field(index=True, foreign_key="trigger_point.id")
    muscle: str = Field(index=True)
    muscle_side: str  # the side of the trigger point
    zone: str = Field(index=True, foreign_key="zone.slug")
    kind: str  # essential | spillover


class ConditionRow(SQLModel, table=True):
    __tablename__ = "condition"
    slug: str = Field(primary_key=True)
    name: str
    aliases: list = Field(sa_column=_json())  # type: ignore[type-arg]
    icd10: list = Field(sa_column=_json())  # type: ignore[type-arg]
    icd11: list = Field(sa_column=_json())  # type: ignore[type-arg]
    icd10_titles: dict = Field(sa_column=_json())  # type: ignore[type-arg]  # code → WHO ICD-10 (2019) title
    summary: str
    relevance: str | None = None
    sources: list = Field(sa_column=_json())  # type: ignore[type-arg]


class ConditionMuscleRow(SQLModel, table=True):
    __tablename__ = "condition_muscle"
    id: int | None = Field(default=None, primary_key=True)
    condition: str = Field(index=True, foreign_key="condition.slug")
    muscle: str = Field(index=True, foreign_key="muscle.slug")
    strength: str
    source: dict = Field(sa_column=_json())  # type: ignore[type-arg]


class GroupRow(SQLModel, table=True):
    """A group name (iliopsoas, rotator cuff) or a muscle the atlas describes in divisions (deltoid)."""

    __tablename__ = "muscle_group"
    slug: str = Field(primary_key=True)
    name: str
    kind: str  # group | divisions
    latin: str | None = None
    aliases: list = Field(sa_column=_json())  # type: ignore[type-arg]
    summary: str
    notes: str | None = None
    sources: list = Field(sa_column=_json())  # type: ignore[type-arg]
    ordinal: int


class GroupMemberRow(SQLModel, table=True):
    __tablename__ = "group_member"
    id: int | None = Field(default=None, primary_key=True)
    grp: str = Field(index=True, foreign_key="muscle_group.slug")
    muscle: str = Field(index=True, foreign_key="muscle.slug")
    ordinal: int


class PainGuideRow(SQLModel, table=True):
    """An area of the manual's pain guides (temporal headache, heel pain...)."""

    __tablename__ = "pain_guide"
    slug: str = Field(primary_key=True)
    name: str
    zones: list = Field(sa_column=_json())  # type: ignore[type-arg]
    source: dict = Field(sa_column=_json())  # type: ignore[type-arg]
    ordinal: int


class PainGuideMuscleRow(SQLModel, table=True):
    __tablename__ = "pain_guide_muscle"
    id: int | None = Field(default=None, primary_key=True)
    guide: str = Field(index=True, foreign_key="pain_guide.slug")
    muscle: str = Field(index=True, foreign_key="muscle.slug")
    ordinal: int  # 0 is the muscle the guide lists first
    essential: bool


class ViewRow(SQLModel, table=True):
    __tablename__ = "view"
    view: str = Field(primary_key=True)
    ordinal: int
    title: str
    width: float
    height: float
    right_on_viewer: str
    sides: list = Field(sa_column=_json())  # type: ignore[type-arg]
    silhouette: str
    details: list = Field(sa_column=_json())  # type: ignore[type-arg]
    map_details: list = Field(sa_column=_json())  # type: ignore[type-arg]  # the skin's lines, for referral maps
    # a whole view's body without the arms, and its lines: maps of the trunk and legs use them
    armless: str = ""
    armless_details: list = Field(sa_column=_json())  # type: ignore[type-arg]
    # the skeleton a plate draws under its muscles: [[bone id, path data], ...]
    bones: list = Field(sa_column=_json())  # type: ignore[type-arg]


class MuscleShapeRow(SQLModel, table=True):
    __tablename__ = "muscle_shape"
    id: int | None = Field(default=None, primary_key=True)
    muscle: str = Field(index=True, foreign_key="muscle.slug")
    view: str = Field(foreign_key="view.view")
    side: str
    ordinal: int  # drawing order as authored: later shapes lie on top
    plate: str  # "superficial" or "deep": the layer of the view's SVG it is drawn in
    d: str
    fibres: str
    tendon: str = ""  # the tendinous part of the shape, drawn in tendon white
    whole: str = ""  # the shape where the near hand did not cut it (empty when it did not), and its fibres
    whole_fibres: str = ""


class ZoneShapeRow(SQLModel, table=True):
    __tablename__ = "zone_shape"
    id: int | None = Field(default=None, primary_key=True)
    zone: str = Field(index=True, foreign_key="zone.slug")
    view: str = Field(foreign_key="view.view")
    d: str


class TriggerPointPositionRow(SQLModel, table=True):
    __tablename__ = "tp_position"
    id: int | None = Field(default=None, primary_key=True)
    tp: int = Field(index=True, foreign_key="trigger_point.id")
    view: str
    side: str
    x: float
    y: float


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open the built database read-only; writes fail at the SQLite level."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn
