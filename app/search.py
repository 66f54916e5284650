"""One search box over muscles, groups, conditions and zones: exact, prefix, typo-tolerant and full text.

Scores, highest first: an exact name, Latin name or alias (200); the query as the start of one
(150 less a little per missing letter); the query as a later word of one (140 less the same);
typo-tolerant similarity (72–100); full-text hits in the descriptions (≤ 70). A kind bonus breaks
near-ties in favour of muscles and groups. When the best answers are several members of one group
(``gluteus``, ``peroneus``), the group is put first: the query names what they share.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

KIND_BONUS = {"muscle": 3.0, "group": 3.0, "condition": 2.0, "zone": 0.0}
# words that say "a muscle" without naming one: "infraspinatus muscle", "the hamstrings", "m. piriformis"
FILLER = frozenset({"the", "m", "mm", "muscle", "muscles", "group"})
# abbreviations (SCM, QL, ECRL) match exactly or not at all: fuzzy scores on two to four letters are noise
SHORT = 4
# hits within this many points of the best muscle hit count as equally good answers
TIE = 3.0
Offer = Callable[[int, float, str], None]


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

    def __init__(self, entries: list[tuple[str, str, str, list[str]]],
                 members: Mapping[str, Sequence[str]] | None = None) -> None:
        self.entries = [Entry(k, s, n, tuple(dict.fromkeys(normalise(x) for x in [n, *others] if normalise(x))))
                        for k, s, n, others in entries]
        self._choices: list[str] = []
        self._owner: list[int] = []
        for i, e in enumerate(self.entries):
            for key in e.keys:
                self._choices.append(key)
                self._owner.append(i)
        self._fuzzy = [(k, self._owner[i]) for i, k in enumerate(self._choices) if len(k) > SHORT]
        self._fuzzy_keys = [k for k, _ in self._fuzzy]
        self._by_slug = {(e.kind, e.slug): i for i, e in enumerate(self.entries)}
        # group entry → its member muscle entries
        self._members = {self._by_slug[("group", g)]: {self._by_slug[("muscle", m)] for m in ms
                                                       if ("muscle", m) in self._by_slug}
                         for g, ms in (members or {}).items() if ("group", g) in self._by_slug}

    def _match(self, nq: str, offer: Offer, penalty: float = 0.0) -> None:
        for key_index, key in enumerate(self._choices):
            i = self._owner[key_index]
            if key == nq:
                offer(i, 200 - penalty, key)
            elif key.startswith(nq):
                offer(i, 150 - penalty - min(len(key) - len(nq), 40) * 0.5, key)
            elif f" {nq}" in f" {key}":
                offer(i, 140 - penalty - min(len(key) - len(nq), 40) * 0.5, key)
        if len(nq) <= SHORT:
            return
        # typo tolerance: WRatio forgives a letter or two, token_sort_ratio forgives word order
        for key, score, j in process.extract(nq, self._fuzzy_keys, scorer=fuzz.WRatio, limit=60, score_cutoff=72):
            offer(self._fuzzy[j][1], float(score) - penalty, key)
        for key, score, j in process.extract(nq, self._fuzzy_keys, scorer=fuzz.token_sort_ratio, limit=30,
                                             score_cutoff=75):
            offer(self._fuzzy[j][1], float(score) + 2 - penalty, key)

    def search(self, q: str, fulltext: list[tuple[str, str, float]] | None = None, limit: int = 20) -> list[Hit]:
        nq = normalise(q)
        if not nq:
            return []
        best: dict[int, tuple[float, str]] = {}

        def offer(i: int, score: float, matched: str) -> None:
            if score > best.get(i, (-1.0, ""))[0]:
                best[i] = (score, matched)

        self._match(nq, offer)
        bare = " ".join(w for w in nq.split() if w not in FILLER)
        if bare and bare != nq:
            self._match(bare, offer, penalty=1.0)
        for rank, (kind, slug, _) in enumerate(fulltext or []):
            owner = self._by_slug.get((kind, slug))
            if owner is not None:
                offer(owner, 70 - rank, "text")
        self._promote_groups(best)
        hits = [Hit(self.entries[i].kind, self.entries[i].slug, self.entries[i].name,
                    round(score + KIND_BONUS[self.entries[i].kind], 1), matched)
                for i, (score, matched) in best.items()]
        hits.sort(key=lambda h: (-h.score, h.name))
        return hits[:limit]

    def _promote_groups(self, best: dict[int, tuple[float, str]]) -> None:
        """Put a group first when most of the equally best muscle answers are its members."""
        muscles = {i: s for i, (s, _) in best.items() if self.entries[i].kind == "muscle"}
        if not muscles:
            return
        top = max(muscles.values())
        tied = {i for i, s in muscles.items() if s >= top - TIE}
        for g, members in self._members.items():
            shared = tied & members
            if len(shared) >= 2 and 2 * len(shared) > len(tied) and best.get(g, (-1.0, ""))[0] <= top:
                best[g] = (top + 1, "members")
