"""Scaling out: several worker processes share one read-only database file."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
from conftest import _free_port

from app.settings import ROOT, Settings


def test_several_workers_serve_the_same_atlas(settings: Settings, client) -> None:  # type: ignore[no-untyped-def]
    port = _free_port()
    env = {**os.environ, "ATLAS_DB_PATH": str(settings.db_path)}
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--workers", "2", "--port", str(port)],
                            cwd=ROOT, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                if httpx.get(url + "/api/zones", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        with httpx.Client() as c:
            bodies = {c.get(url + "/api/muscles/soleus").text for _ in range(40)}
            statuses = {c.get(url + "/muscles/upper-trapezius").status_code for _ in range(40)}
        assert len(bodies) == 1 and statuses == {200}  # every worker answers the same
    finally:
        proc.terminate()
        proc.wait(15)
