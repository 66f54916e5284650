"""ruff and mypy, as configured in pyproject.toml, pass on the code."""

from __future__ import annotations

import subprocess
import sys

from app.settings import ROOT


def test_ruff() -> None:
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "app", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


def test_mypy() -> None:
    r = subprocess.run([sys.executable, "-m", "mypy", "app"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


def test_htmx_fallback_is_the_pinned_cdn_file() -> None:
    import base64
    import hashlib

    from app.security import HTMX_SRI

    data = (ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js").read_bytes()
    assert HTMX_SRI == "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
