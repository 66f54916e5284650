"""Scaling out: several worker processes share one read-only database file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from conftest import _free_port, start_server

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


def _children(pid: int) -> set[int]:
    kids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # the field after the state is the parent's pid
            kids.add(int(stat.parent.name))
    return kids


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for p in pids:
        try:
            state = (Path("/proc") / str(p) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(p)
    return alive


def test_a_stopped_or_killed_server_leaves_no_image_workers(settings: Settings, client) -> None:  # type: ignore[no-untyped-def]
    """The PNG workers end with their server: stopped (SIGTERM) or killed outright (SIGKILL)."""
    for stop in ("terminate", "kill"):
        proc, url = start_server(settings.db_path)
        try:
            assert httpx.get(url + "/maps/anterior.png", params={"width": 240}, timeout=60).status_code == 200
            workers = _children(proc.pid)
            assert workers, "the server started no image workers"
        finally:
            getattr(proc, stop)()
            proc.wait(30)
        deadline = time.time() + 10
        while _alive(workers) and time.time() < deadline:
            time.sleep(0.1)
        assert not _alive(workers), f"{stop}: workers {sorted(_alive(workers))} outlived their server"
