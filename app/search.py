"""One search box over muscles, conditions and zones: exact, prefix, typo-tolerant and full text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

KIND_BONUS = {"muscle": 3.0, "condition": 2.0, "zone": 0.0}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@dataclass(frozen=True)
class Entry:
    kind: str
    slug: str
    name: str
    keys: tuple[str, ...]  # normalised name first, then other names


@dataclass(frozen=True)
class Hit:
    kind: str
    slug: str
    name: str
    score: float
    matched: str


class SearchIndex:
    """Built once per database from every name, Latin name, alias and abbreviation."""

    def __init__(self, entries: list[tuple[str, str, str, list[str]]]) -> None:
        self.entries = [Entry(k, s, n, tuple(dict.fromkeys(normalise(x) for x in [n, *others] if normalise(x))))
                        for k, s, n, others in entries]
        self._choices: list[str] = []
        self._owner: list[int] = []
        for i, e in enumerate(self.entries):
            for key in e.keys:
                self._choices.append(key)
                self._owner.append(i)

    def search(self, q: str, fulltext: list[tuple[str, str, float]] | None = None, limit: int = 20) -> list[Hit]:
        nq = normalise(q)
        if not nq:
            return []
        best: dict[int, tuple[float, str]] = {}

        def offer(i: int, score: float, matched: str) -> None:
            if score > best.get(i, (-1.0, ""))[0]:
                best[i] = (score, matched)

        for key_index, key in enumerate(self._choices):
            i = self._owner[key_index]
            if key == nq:
                offer(i, 200, key)
            elif key.startswith(nq) or f" {nq}" in f" {key}":
                offer(i, 150 - min(len(key) - len(nq), 40) * 0.5, key)
        # typo tolerance: token_sort forgives word order, ratio forgives a letter or two
        for key, score, key_i in process.extract(nq, self._choices, scorer=fuzz.WRatio, limit=60, score_cutoff=72):
            offer(self._owner[key_i], float(score), key)
        for key, score, key_i in process.extract(nq, self._choices, scorer=fuzz.token_sort_ratio, limit=30,
                                                 score_cutoff=75):
            offer(self._owner[key_i], float(score) + 2, key)
        by_slug = {(e.kind, e.slug): i for i, e in enumerate(self.entries)}
        for rank, (kind, slug, _) in enumerate(fulltext or []):
            owner = by_slug.get((kind, slug))
            if owner is not None:
                offer(owner, 70 - rank, "text")
        hits = [Hit(self.entries[i].kind, self.entries[i].slug, self.entries[i].name,
                    round(score + KIND_BONUS[self.entries[i].kind], 1), matched)
                for i, (score, matched) in best.items()]
        hits.sort(key=lambda h: (-h.score, h.name))
        return hits[:limit]
