"""How a study answer is scored. static/study.js does the same sums in the browser; these are the reference.

Every function is pure: answers and the expected data in, a score between 0 and 1 out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

SPILLOVER_CREDIT = 0.5  # a spillover zone found is worth half an essential one, as in the pain lookup
FALSE_MARK_PENALTY = 0.5  # each zone marked that the pattern does not reach takes this much off
NAME_THRESHOLD = 85.0  # rapidfuzz ratio (0..100) above which a typed name is taken as meant
SHORT = 4  # names this short (SCM, QL, TFL) must be typed exactly: one typo makes another muscle


@dataclass(frozen=True)
class PatternScore:
    score: float
    essential_found: list[str]
    spillover_found: list[str]
    essential_missed: list[str]
    spillover_missed: list[str]
    wrong: list[str]


def score_pattern(marked: Iterable[str], essential: Sequence[str], spillover: Sequence[str]) -> PatternScore:
    """Marked zones against a referral pattern: essential zones count 1, spillover zones half, and
    every zone marked outside the pattern takes ``FALSE_MARK_PENALTY`` off; scaled so the whole
    pattern scores 1, clamped to 0..1."""
    ess, spill = list(dict.fromkeys(essential)), [z for z in dict.fromkeys(spillover) if z not in essential]
    got = set(marked)
    possible = len(ess) + SPILLOVER_CREDIT * len(spill)
    e_found = [z for z in ess if z in got]
    s_found = [z for z in spill if z in got]
    wrong = sorted(got - set(ess) - set(spill))
    raw = len(e_found) + SPILLOVER_CREDIT * len(s_found) - FALSE_MARK_PENALTY * len(wrong)
    score = min(1.0, max(0.0, raw / possible)) if possible else 0.0
    return PatternScore(round(score, 4), e_found, s_found, [z for z in ess if z not in got],
                        [z for z in spill if z not in got], wrong)


@dataclass(frozen=True)
class WhereScore:
    score: float
    distance: float
    nearest: int  # index of the nearest trigger point


def tolerance(width: float, height: float) -> tuple[float, float]:
    """Radii (full credit, no credit) in a view's own units: a fixed share of the drawing, so a close-up,
    drawn larger, asks for a click as close on the body as a whole view does on its smaller figure."""
    full = round(0.03 * max(width, height), 2)
    return full, round(3 * full, 2)


def score_where(point: tuple[float, float], targets: Sequence[tuple[float, float]], full: float, zero: float) -> WhereScore:
    """A click against the trigger points: 1 within ``full`` of the nearest, falling linearly to 0 at ``zero``."""
    if not targets:
        raise ValueError("no trigger point to score against")
    dists = [math.dist(point, t) for t in targets]
    i = min(range(len(dists)), key=dists.__getitem__)
    d = dists[i]
    score = 1.0 if d <= full else 0.0 if d >= zero else (zero - d) / (zero - full)
    return WhereScore(round(score, 4), round(d, 2), i)


def normalise(text: str) -> str:
    """Lower case, accents and punctuation as spaces, 'muscle' and 'm.' dropped: what a name is compared on."""
    t = text.lower().replace("–", " ").replace("-", " ")
    t = re.sub(r"[^a-z0-9 ]+", " ", t)
    words = [w for w in t.split() if w not in {"muscle", "muscles", "m", "mm", "musculus", "musculi"}]
    return " ".join(words)


def name_similarity(typed: str, name: str) -> float:
    """0..100: rapidfuzz's normalised Indel ratio (2·LCS / total length) of the normalised strings."""
    a, b = normalise(typed), normalise(name)
    if not a or not b:
        return 0.0
    if len(a) <= SHORT or len(b) <= SHORT:
        return 100.0 if a == b else 0.0
    return float(fuzz.ratio(a, b))


def match_name(typed: str, entries: Iterable[tuple[str, Sequence[str]]]) -> tuple[str | None, float]:
    """The muscle a typed answer names: (slug, similarity) of the best match over names and aliases,
    (None, best) when nothing reaches ``NAME_THRESHOLD``. Ties go to the first entry."""
    best_slug, best = None, 0.0
    for slug, names in entries:
        s = max((name_similarity(typed, n) for n in names), default=0.0)
        if s > best:
            best_slug, best = slug, s
    return (best_slug, best) if best >= NAME_THRESHOLD else (None, best)


def quality(score: float) -> int:
    """The SM-2 grade (0..5) a score suggests; the student may change it before it is recorded."""
    if score >= 0.95:
        return 5
    if score >= 0.75:
        return 4
    if score >= 0.5:
        return 3
    if score > 0.2:
        return 2
    return 1 if score > 0 else 0
