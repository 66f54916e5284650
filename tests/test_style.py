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


def test_committed_json_schemas_are_current(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Editors validate data files against atlas_data/schema/; it must match the pydantic models."""
    r = subprocess.run([sys.executable, "-m", "app.cli", "schema", "--out", str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for new in sorted(tmp_path.glob("*.json")):
        assert (ROOT / "atlas_data" / "schema" / new.name).read_text() == new.read_text(), new.name


def test_every_setting_and_command_is_documented() -> None:
    from app.cli import cli
    from app.settings import Settings

    readme = (ROOT / "README.md").read_text()
    for name in Settings.model_fields:
        assert f"ATLAS_{name.upper()}" in readme, name
    for command in cli.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        assert f"atlas {name}" in readme, name
