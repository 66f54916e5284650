"""Response models of the JSON API: what /openapi.json promises, and what every route returns."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Citation(BaseModel):
    slug: str
    kind: str
    citation: str
    doi: str | None = None
    url: str | None = None
    locator: str | None = None


class ZoneRef(BaseModel):
    slug: str
    name: str
    region: str


class ZoneItem(ZoneRef):
    side: str
    views: list[str]
    muscle_count: int
    url: str


class MuscleItem(BaseModel):
    slug: str
    name: str
    latin: str
    region: str
    url: str


class ReferralOut(BaseModel):
    essential: list[ZoneRef]
    spillover: list[ZoneRef]


class TriggerPointOut(BaseModel):
    label: str
    location: str
    notes: str | None = None
    referral: ReferralOut
    positions: dict[str, list[float]]
    sources: list[Citation]


class RiskOut(BaseModel):
    structure: str
    kind: str
    safety: str


class NeedlingOut(BaseModel):
    needled: bool
    position: str
    palpation: str
    needle: str
    technique: str
    structures_at_risk: list[RiskOut]
    contraindications: list[str]
    sources: list[Citation]


class ConditionLinkOut(BaseModel):
    slug: str
    name: str
    strength: str
    source: Citation
    url: str


class ReviewOut(BaseModel):
    checked_by: str
    date: str
    against: list[Citation]
    notes: str | None = None


class MuscleDetail(BaseModel):
    slug: str
    name: str
    latin: str
    aliases: list[str]
    region: str
    group: str
    depth: str
    summary: str
    origin: str
    insertion: str
    innervation: str
    action: str
    views: list[str]
    trigger_points: list[TriggerPointOut]
    needling: NeedlingOut
    conditions: list[ConditionLinkOut]
    sources: list[Citation]
    review: list[ReviewOut]
    url: str
    map_svg: str


class ConditionItem(BaseModel):
    slug: str
    name: str
    icd10: list[str]
    icd11: list[str]
    muscle_count: int
    url: str


class ConditionMuscle(BaseModel):
    slug: str
    name: str
    latin: str
    region: str
    strength: str
    source: Citation
    url: str


class ConditionDetail(BaseModel):
    slug: str
    name: str
    aliases: list[str]
    icd10: list[str]
    icd11: list[str]
    icd10_titles: dict[str, str] = Field(default={}, description="ICD-10 code → its WHO ICD-10 (2019) title")
    summary: str
    trigger_point_relevance: str | None = None
    muscles: list[ConditionMuscle]
    sources: list[Citation]
    url: str


class GroupMemberName(BaseModel):
    slug: str
    name: str
    url: str


class GroupItem(BaseModel):
    slug: str
    name: str
    kind: str = Field(description="group: several muscles known by one name; divisions: one muscle in parts")
    latin: str | None = None
    aliases: list[str]
    members: list[GroupMemberName]
    url: str


class GroupMember(BaseModel):
    slug: str
    name: str
    latin: str
    region: str
    depth: str
    trigger_point_count: int
    url: str


class GroupPatternMuscle(BaseModel):
    slug: str
    name: str
    kind: str = Field(description="essential or spillover")
    url: str


class GroupPatternZone(BaseModel):
    zone: str
    name: str
    url: str
    muscles: int = Field(description="how many of the group's muscles refer here (right-side patterns)")
    referred_by: list[GroupPatternMuscle]


class GroupDetail(BaseModel):
    slug: str
    name: str
    kind: str
    latin: str | None = None
    aliases: list[str]
    summary: str
    notes: str | None = None
    members: list[GroupMember]
    pattern: list[GroupPatternZone]
    sources: list[Citation]
    url: str


class SearchHit(BaseModel):
    kind: str
    slug: str
    name: str
    score: float
    url: str


class SearchResults(BaseModel):
    q: str
    results: list[SearchHit]


class LookupMatch(BaseModel):
    zone: str
    name: str
    kind: str
    trigger_points: list[str]


class LookupZone(BaseModel):
    zone: str
    name: str


class LookupGuide(BaseModel):
    slug: str
    name: str = Field(description="the area of the manual's pain guide that covers most of the selection")
    position: int = Field(description="the muscle's place in that guide: 1 is the one listed first")
    essential: bool = Field(description="the area lies in the muscle's essential zone")
    source: dict[str, Any]


class LookupHit(BaseModel):
    rank: int
    slug: str
    side: str = Field(description="right, left, both (each side explains part of the selection) or either "
                                  "(only midline zones selected)")
    name: str
    latin: str
    region: str
    score: float
    url: str
    map: str
    explains: list[LookupMatch]
    does_not_explain: list[LookupZone]
    reason: str
    guide: LookupGuide | None = None


class LookupResults(BaseModel):
    zones: list[str]
    scoring: str
    results: list[LookupHit]


class Problem(BaseModel):
    detail: str


class OEmbed(BaseModel):
    version: str
    type: str
    title: str
    provider_name: str
    provider_url: str
    author_name: str
    html: str
    width: int
    height: int
    thumbnail_url: str
    thumbnail_width: int
    license: str
    license_url: str
