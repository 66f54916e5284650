"""The open atlas: a read-only database connection and what is derived once from it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

from app import queries
from app.db import connect_readonly
from app.search import SearchIndex
from app.study.maps import WherePictures


class Atlas:
    """Shared by every request. SQLite reads are serialised on one connection: the data is small
    and every response is cached after its first rendering, so contention is not a concern."""

    def __init__(self, db_path: Path, base_url: str = "http://127.0.0.1:8000") -> None:
        self.db_path = db_path
        self.base_url = base_url.rstrip("/")
        self._conn = connect_readonly(db_path)
        self.lock = threading.Lock()
        self._drawn: dict[tuple[str, ...], Any] = {}

    def drawn(self, key: tuple[str, ...], draw: Callable[[], Any]) -> Any:
        """A picture that does not depend on the request (a lookup page's pain maps, a candidate's
        thumbnail), drawn once under the lock and reused by every page that shows it."""
        if key not in self._drawn:
            with self.lock:
                if key not in self._drawn:
                    self._drawn[key] = draw()
        return self._drawn[key]

    @property
    def conn(self) -> sqlite3.Connection:
        return self._conn

    @cached_property
    def search_index(self) -> SearchIndex:
        with self.lock:
            return SearchIndex(queries.search_names(self._conn), queries.group_members(self._conn))

    @cached_property
    def zone_objects(self) -> dict[str, dict[str, Any]]:
        with self.lock:
            return queries.zone_objects(self._conn)

    @cached_property
    def referrals(self) -> queries.ReferralIndex:
        """Every referral by zone, for the lookup: read once, so a lookup runs no query."""
        with self.lock:
            return queries.referral_index(self._conn)

    @cached_property
    def meta(self) -> dict[str, str]:
        with self.lock:
            return queries.meta(self._conn)

    @cached_property
    def study_pictures(self) -> WherePictures:
        """The study cards' where-pictures and their transforms, drawn once (use under the lock)."""
        return WherePictures()

    def close(self) -> None:
        self._conn.close()
