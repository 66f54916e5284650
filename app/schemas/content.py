"""Strict pydantic models for the curated content in ``atlas_data/``.

Unknown keys are rejected everywhere (``extra="forbid"``) so a typo in a data file is an error,
not a silently ignored field.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(StrEnum):
    head = "head"
    neck = "neck"
    shoulder = "shoulder"
    arm = "arm"
    elbow = "elbow"
    forearm = "forearm"
    wrist = "wrist"
    hand = "hand"
    chest = "chest"
    abdomen = "abdomen"
    upper_back = "upper-back"
    low_back = "low-back"
    pelvis = "pelvis"
    hip = "hip"
    buttock = "buttock"
    thigh = "thigh"
    knee = "knee"
    leg = "leg"
    ankle = "ankle"
    foot = "foot"


REGION_ORDER = [r.value for r in Region]


class View(StrEnum):
    anterior = "anterior"
    posterior = "posterior"
    lateral = "lateral"
    lateral_left = "lateral-left"
    head_lateral = "head-lateral"
    head_anterior = "head-anterior"
    hand_palmar = "hand-palmar"
    hand_dorsal = "hand-dorsal"
    foot_plantar = "foot-plantar"
    foot_dorsal = "foot-dorsal"
    foot_medial = "foot-medial"
    foot_lateral = "foot-lateral"


class Depth(StrEnum):
    superficial = "superficial"
    deep = "deep"


class Palpation(StrEnum):
    flat = "flat"
    pincer = "pincer"
    flat_or_pincer = "flat or pincer"
    not_applicable = "not applicable"


class RiskKind(StrEnum):
    lung = "lung"  # lung / pleura
    nerve = "nerve"
    vessel = "vessel"
    organ = "organ"
    joint = "joint"
    other = "other"


class Strength(StrEnum):
    primary = "primary"
    contributing = "contributing"


class Laterality(StrEnum):
    """Where a referral zone lies relative to the trigger point's side."""

    ipsilateral = "ipsilateral"
    contralateral = "contralateral"
    bilateral = "bilateral"


# --- sources -------------------------------------------------------------------------------


class Source(Strict):
    slug: Slug
    kind: Literal["book", "article", "classification", "guideline"]
    authors: Line
    title: Line
    year: int = Field(ge=1900, le=2100)
    container: Line | None = None  # journal, or publisher for books
    edition: Line | None = None
    volume: Line | None = None
    pages: Line | None = None
    doi: Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    url: Line | None = None
    note: Line | None = None


class SourcesFile(Strict):
    sources: list[Source]


class SourceRef(Strict):
    """A citation of one source, with where in it (a chapter, a page range, a table)."""

    source: Slug
    locator: Line | None = None


# --- zones ---------------------------------------------------------------------------------


class Zone(Strict):
    """A body-surface area. Sided zones exist once per side (``right-<slug>``, ``left-<slug>``)."""

    slug: Slug
    name: Line
    region: Region
    sided: bool = True
    aliases: list[Line] = []
    description: Line | None = None


class ZonesFile(Strict):
    zones: list[Zone]


# --- muscles -------------------------------------------------------------------------------


class ZoneRef(Strict):
    zone: Slug
    side: Laterality = Laterality.ipsilateral


def _coerce_zone_ref(value: object) -> object:
    if isinstance(value, str):
        return {"zone": value}
    return value


class Referral(Strict):
    essential: list[ZoneRef] = Field(min_length=1)
    spillover: list[ZoneRef] = []

    @field_validator("essential", "spillover", mode="before")
    @classmethod
    def _strings_are_zone_refs(cls, value: object) -> object:
        if isinstance(value, list):
            return [_coerce_zone_ref(v) for v in value]
        return value


UV = Annotated[list[Annotated[float, Field(ge=0.0, le=1.0)]], Field(min_length=2, max_length=2)]


class TriggerPoint(Strict):
    label: Line
    location: Text  # palpable description
    # Position relative to the muscle's drawn shape: u runs from origin (0) to insertion (1)
    # along the fibres, v across them from the first to the second point of the origin line.
    at: UV
    # per-view override where one frame does not fit all views; null: the trigger point lies beyond
    # that close-up's cut (tibialis anterior's belly, seen on the foot), so it is not marked there
    at_views: dict[View, UV | None] = {}
    referral: Referral
    notes: Text | None = None
    sources: list[SourceRef] = []


class Risk(Strict):
    structure: Line
    kind: RiskKind
    safety: Text


class Needling(Strict):
    needled: bool = True  # False: not needled in ordinary practice (say why in ``technique``)
    position: Line
    palpation: Palpation
    needle: Line
    technique: Text  # direction and depth, or why it is not needled
    structures_at_risk: list[Risk] = []
    contraindications: list[Line] = []
    sources: list[SourceRef] = Field(min_length=1)


class ConditionLink(Strict):
    condition: Slug
    strength: Strength
    source: SourceRef


class Review(Strict):
    checked_by: Line
    date: Line
    against: list[SourceRef] = Field(min_length=1)
    notes: Text | None = None


class Muscle(Strict):
    slug: Slug
    name: Line
    latin: Line
    aliases: list[Line] = []
    region: Region
    group: Line
    depth: Depth
    summary: Text
    origin: Line
    insertion: Line
    innervation: Line  # nerve and spinal roots
    action: Line
    trigger_points: list[TriggerPoint] = Field(min_length=1)
    needling: Needling
    conditions: list[ConditionLink] = []
    sources: list[SourceRef] = Field(min_length=1)
    review: list[Review] = []

    @field_validator("aliases")
    @classmethod
    def _aliases_unique(cls, value: list[str]) -> list[str]:
        lowered = [v.lower() for v in value]
        if len(set(lowered)) != len(lowered):
            raise ValueError("aliases repeat")
        return value


# --- conditions ----------------------------------------------------------------------------

ICD10 = Annotated[str, StringConstraints(pattern=r"^[A-Z]\d{2}(\.\d{1,2})?$")]
ICD11 = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{4}(\.[0-9A-Z]{1,2})?(/[0-9A-Z.]+)?$")]


class Condition(Strict):
    slug: Slug
    name: Line
    aliases: list[Line] = []
    icd10: list[ICD10] = Field(min_length=1)
    icd11: list[ICD11] = Field(min_length=1)
    summary: Text
    trigger_point_relevance: Text | None = None  # how trigger-point pain fits / differs
    sources: list[SourceRef] = Field(min_length=1)


class ConditionsFile(Strict):
    conditions: list[Condition]


# --- groups --------------------------------------------------------------------------------


class GroupKind(StrEnum):
    group = "group"  # several muscles known by one name (iliopsoas, hamstrings, rotator cuff)
    divisions = "divisions"  # one muscle the atlas describes part by part (trapezius, deltoid)


class MuscleGroup(Strict):
    """A name a practitioner searches for that stands for several muscle entries."""

    slug: Slug
    name: Line
    kind: GroupKind = GroupKind.group
    latin: Line | None = None
    aliases: list[Line] = []
    members: list[Slug] = Field(min_length=2)
    summary: Text
    notes: Text | None = None
    sources: list[SourceRef] = Field(min_length=1)

    @field_validator("members")
    @classmethod
    def _members_unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("members repeat")
        return value


class GroupsFile(Strict):
    groups: list[MuscleGroup]


class GuideMuscle(Strict):
    muscle: Slug
    essential: bool  # the area lies in the muscle's essential zone (printed bold in the manual's guide)


class PainGuide(Strict):
    """One area of the manual's pain guides: the muscles whose trigger points refer there, most likely first."""

    slug: Slug
    name: Line
    zones: list[Slug] = Field(min_length=1, max_length=8)  # unsided zone slugs that make up the area
    muscles: list[GuideMuscle] = Field(min_length=1)
    source: SourceRef

    @field_validator("muscles")
    @classmethod
    def _muscles_unique(cls, value: list[GuideMuscle]) -> list[GuideMuscle]:
        if len({m.muscle for m in value}) != len(value):
            raise ValueError("a muscle is listed twice")
        return value


class PainGuidesFile(Strict):
    guides: list[PainGuide]


def slug_of_filename(name: str) -> str:
    return re.sub(r"\.ya?ml$", "", name)


# --- about the data ------------------------------------------------------------------------


class ChangelogEntry(Strict):
    version: Line
    date: Line
    changes: list[Line] = Field(min_length=1)


class About(Strict):
    version: Line
    licence: Line
    not_yet_covered: list[Line] = []
    changelog: list[ChangelogEntry] = Field(min_length=1)


# --- the dry-needling primer ---------------------------------------------------------------


class PrimerSection(Strict):
    slug: Slug
    title: Line
    paragraphs: list[Text] = Field(min_length=1)
    sources: list[SourceRef] = Field(min_length=1)


class AdverseEvent(Strict):
    event: Line
    frequency: Line  # as reported, with the study's denominator
    severity: Literal["minor", "significant", "serious"]
    source: SourceRef


class Primer(Strict):
    title: Line
    summary: Text
    sections: list[PrimerSection] = Field(min_length=1)
    contraindications: list[Line] = Field(min_length=1)
    precautions: list[Line] = []
    adverse_events: list[AdverseEvent] = Field(min_length=1)
    contraindication_sources: list[SourceRef] = Field(min_length=1)
