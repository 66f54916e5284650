"""One place that builds every URL of the atlas, used by routes, contexts and templates alike."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit


def is_loopback(url: str) -> bool:
    """A local install's own address (no ATLAS_BASE_URL set): it means nothing on a slide or on paper."""
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


class Urls:
    def home(self) -> str:
        return "/"

    def muscles(self) -> str:
        return "/muscles"

    def muscle(self, slug: str) -> str:
        return f"/muscles/{slug}"

    def conditions(self) -> str:
        return "/conditions"

    def condition(self, slug: str) -> str:
        return f"/conditions/{slug}"

    def groups(self) -> str:
        return "/groups"

    def group(self, slug: str) -> str:
        return f"/groups/{slug}"

    def api_group(self, slug: str) -> str:
        return f"/api/groups/{slug}"

    def zones(self) -> str:
        return "/zones"

    def zone(self, slug: str) -> str:
        return f"/zones/{slug}"

    def lookup(self, zones: Iterable[str] = ()) -> str:
        zs = ",".join(zones)
        return f"/lookup?{urlencode({'zones': zs}, safe=',')}" if zs else "/lookup"

    def lookup_toggle(self, zone: str) -> str:
        """A pain map's zone link: the lookup page it is clicked on, with that zone added or removed."""
        return f"/lookup/toggle?{urlencode({'zone': zone})}"

    def search(self, q: str = "") -> str:
        return f"/search?{urlencode({'q': q})}" if q else "/search"

    def coverage(self) -> str:
        return "/coverage"

    def primer(self, section: str = "") -> str:
        return "/primer" + (f"#{section}" if section else "")

    def view_svg(self, view: str) -> str:
        return f"/maps/{view}.svg"

    def muscle_svg(self, slug: str) -> str:
        return f"/maps/muscles/{slug}.svg"

    def muscle_png(self, slug: str) -> str:
        return f"/maps/muscles/{slug}.png"

    def condition_svg(self, slug: str) -> str:
        return f"/maps/conditions/{slug}.svg"

    def json_twin(self, path: str, query: str = "") -> str:
        base = "/index" if path == "/" else path
        return f"{base}.json" + (f"?{query}" if query else "")

    def api_muscle(self, slug: str) -> str:
        return f"/api/muscles/{slug}"

    def study(self) -> str:
        return "/study"

    def study_deck(self, slug: str, muscles: Iterable[str] = (), suffix: str = "", page: int = 1) -> str:
        """A deck's page (``page``: of its cards without JavaScript; ``suffix``: ".apkg", ".moodle.xml",
        ".worksheet.pdf" for its exports); the custom deck carries its muscles."""
        ms = ",".join(muscles)
        path = f"/study/{slug}" + (f"/{page}" if page > 1 else "") + suffix
        return path + (f"?{urlencode({'muscles': ms}, safe=',')}" if ms else "")

    def api_study_decks(self) -> str:
        return "/api/study/decks"

    def api_study_deck(self, slug: str, muscles: Iterable[str] = ()) -> str:
        ms = ",".join(muscles)
        return f"/api/study/decks/{slug}" + (f"?{urlencode({'muscles': ms}, safe=',')}" if ms else "")

    def study_pattern_svg(self, slug: str) -> str:
        return f"/study/maps/pattern/{slug}.svg"

    def study_where_svg(self, slug: str) -> str:
        return f"/study/maps/where/{slug}.svg"

    def study_fragment(self, name: str) -> str:
        """A card (``card-<id>``) or a marking board (``board-<view>``) as a script the deck page loads."""
        return f"/study/fragments/{name}.js"


urls = Urls()
