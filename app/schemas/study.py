"""Response models of the study API: decks and their cards (issue 13)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.schemas.api import ZoneRef


class Choice(BaseModel):
    slug: str
    name: str


class PatternWords(BaseModel):
    """The pattern in words, for a non-visual mode and the no-script answer."""

    essential: list[str]
    spillover: list[str]


class PatternToMuscle(BaseModel):
    """A referral map without its title: which muscle is it?"""

    id: str = Field(description="Stable across builds: the kind and the muscle's slug")
    kind: Literal["pattern-muscle"] = "pattern-muscle"
    muscle: str = Field(description="The answer: a muscle slug")
    muscle_name: str
    region: str = Field(description="The study region (deck region) the card counts towards")
    question_image: str = Field(description="The pattern map, without the muscle's name")
    answer_image: str
    answer_url: str
    choices: list[Choice] = Field(description="Four distinct muscles of the same study region, the answer among them")
    pattern: PatternWords
    source: str


class MuscleToPattern(BaseModel):
    """A muscle named: mark its referral pattern on the body (trigger points on the right side)."""

    id: str
    kind: Literal["muscle-pattern"] = "muscle-pattern"
    muscle: str
    muscle_name: str
    region: str
    essential: list[ZoneRef]
    spillover: list[ZoneRef]
    views: list[str] = Field(description="The views that together draw every zone of the pattern")
    answer_image: str
    answer_url: str
    source: str


class TriggerPointTarget(BaseModel):
    label: str
    location: str
    x: float = Field(description="In the view's own coordinates")
    y: float


class WhereTriggerPoint(BaseModel):
    """The muscle drawn on one view: click where its trigger points lie."""

    id: str
    kind: Literal["where-tp"] = "where-tp"
    muscle: str
    muscle_name: str
    region: str
    view: str
    view_title: str
    trigger_points: list[TriggerPointTarget]
    tolerance: list[float] = Field(description="[full credit, no credit] distances in view units")
    question_image: str
    image_transform: list[float] = Field(
        description="[sx, sy, tx, ty]: view coordinates to the question image's own, x' = sx·x + tx, y' = sy·y + ty "
                    "(empty in a deck page's own data: the card's fragment carries it with the picture)")
    answer_image: str
    answer_url: str
    source: str


Card = Annotated[PatternToMuscle | MuscleToPattern | WhereTriggerPoint, Field(discriminator="kind")]


class NameEntry(BaseModel):
    """A muscle as a typed answer may name it."""

    slug: str
    name: str
    names: list[str] = Field(description="The name, the Latin name and the aliases")


class DeckSummary(BaseModel):
    slug: str
    title: str
    kind: Literal["region", "condition", "custom"]
    description: str
    muscle_count: int
    card_count: int
    url: str
    api: str


class Deck(DeckSummary):
    muscles: list[str]
    cards: list[Card]
    answers: list[NameEntry] = Field(description="Every muscle of the atlas by its names: what type-ahead offers")
    scoring: str
