"""The loader: all problems reported at once, atomic builds, skip when unchanged, robustness."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import small_atlas
import yaml

from app.loader import build as build_mod
from app.loader.build import BuildError, build, stored_hash
from app.settings import ROOT


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """The small atlas (tests/small_atlas.py): these tests build it several times each."""
    return small_atlas.make(tmp_path)[0]


@pytest.fixture()
def fig(data: Path) -> Path:
    return data.parent / "svg"


def _atlas(args: list[str], data: Path, db: Path) -> subprocess.CompletedProcess[str]:
    env = {"ATLAS_DATA_DIR": str(data), "ATLAS_FIGURE_DIR": str(data.parent / "svg"), "ATLAS_DB_PATH": str(db),
           "PATH": str(Path(sys.executable).parent)}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=env, cwd=ROOT)


def test_validate_reports_every_problem_and_leaves_the_database(data: Path, tmp_path: Path) -> None:
    db = tmp_path / "atlas.sqlite"
    assert _atlas(["build"], data, db).returncode == 0
    before = db.read_bytes()
    path = data / "muscles" / "neck" / "upper-trapezius.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["trigger_points"][0]["referral"]["essential"][0] = "tempel"  # typo'd zone
    del doc["innervation"]  # missing field
    doc["colour"] = "red"  # unknown key
    path.write_text(yaml.safe_dump(doc))
    for cmd in (["validate"], ["build"]):
        result = _atlas(cmd, data, db)
        assert result.returncode != 0
        err = result.stderr
        assert "atlas_data/muscles/neck/upper-trapezius.yaml: innervation: Field required" in err
        assert "atlas_data/muscles/neck/upper-trapezius.yaml: colour: Extra inputs are not permitted" in err
    # the typo is a cross-reference problem, so it shows once the file parses
    doc["innervation"] = "Spinal accessory nerve"
    del doc["colour"]
    path.write_text(yaml.safe_dump(doc))
    result = _atlas(["validate"], data, db)
    assert "upper-trapezius.yaml: trigger_points[0].referral.essential[0]: unknown zone 'tempel'" in result.stderr
    assert db.read_bytes() == before


def test_all_three_problems_in_one_report(data: Path, fig: Path) -> None:
    path = data / "muscles" / "neck" / "levator-scapulae.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["trigger_points"][0]["referral"]["essential"][0] = "nekc"
    path.write_text(yaml.safe_dump(doc))
    path2 = data / "muscles" / "neck" / "upper-trapezius.yaml"
    doc2 = yaml.safe_load(path2.read_text())
    del doc2["action"]
    doc2["bogus"] = 1
    path2.write_text(yaml.safe_dump(doc2))
    with pytest.raises(BuildError) as exc:
        build(data, fig, data.parent / "x.sqlite")
    text = "\n".join(map(str, exc.value.problems))
    assert "levator-scapulae.yaml: trigger_points[0].referral.essential[0]: unknown zone 'nekc'" in text
    assert "upper-trapezius.yaml: action: Field required" in text
    assert "upper-trapezius.yaml: bogus: Extra inputs are not permitted" in text
    assert not (data.parent / "x.sqlite").exists()


def test_rebuild_is_skipped_when_nothing_changed(data: Path, fig: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    assert build(data, fig, db).built
    assert not build(data, fig, db).built
    (data / "sources.yaml").write_text((data / "sources.yaml").read_text() + "\n# touched\n")
    assert build(data, fig, db).built


def test_a_build_that_dies_part_way_leaves_the_old_database(data: Path, fig: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "a.sqlite"
    build(data, fig, db)
    old = stored_hash(db)
    (data / "sources.yaml").write_text((data / "sources.yaml").read_text() + "\n# changed\n")

    def boom(*args: object) -> None:
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(build_mod, "_search_rows", boom)
    with pytest.raises(KeyboardInterrupt):
        build(data, fig, db)
    assert stored_hash(db) == old
    assert sorted(p.name for p in tmp_path.glob("*.sqlite*")) == ["a.sqlite"]  # no temporary file left behind
    monkeypatch.undo()
    assert build(data, fig, db).built  # the next start is clean


def test_a_killed_build_process_leaves_the_old_database(data: Path, fig: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    build(data, fig, db)
    old = db.read_bytes()
    (data / "sources.yaml").write_text((data / "sources.yaml").read_text() + "\n# changed\n")
    env = {"ATLAS_DATA_DIR": str(data), "ATLAS_FIGURE_DIR": str(fig), "ATLAS_DB_PATH": str(db)}
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "build"], env=env, cwd=ROOT)
    # killed while it writes its temporary database: the moment a crash would do harm
    while not list(tmp_path.glob(".atlas-*.sqlite.tmp")):
        assert proc.poll() is None, "the build ended before it was killed"
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    assert db.read_bytes() == old
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_corrupted_database_is_detected_and_rebuilt(data: Path, fig: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    build(data, fig, db)
    raw = bytearray(db.read_bytes())
    raw[100:4000] = b"\x00" * 3900
    db.write_bytes(bytes(raw))
    assert stored_hash(db) is None
    assert build(data, fig, db).built
    assert stored_hash(db) is not None


def test_the_runtime_database_is_read_only(client) -> None:  # type: ignore[no-untyped-def]
    inner = client.app
    while not hasattr(inner, "state"):  # cache → security headers → slash redirects → FastAPI
        inner = inner.app
    atlas = inner.state.atlas
    with pytest.raises(sqlite3.OperationalError):
        atlas.conn.execute("DELETE FROM muscle")


def test_a_trigger_point_beyond_a_close_ups_cut_is_not_marked_there(data: Path, fig: Path, tmp_path: Path) -> None:
    # tibialis anterior's belly lies above the foot close-ups: `at_views.<view>: null` leaves its X
    # off that view (the whole views still mark it) instead of parking it on the frame edge
    f = data / "muscles" / "leg-foot" / "tibialis-anterior.yaml"
    doc = yaml.safe_load(f.read_text())
    doc["trigger_points"][0]["at_views"]["foot-medial"] = None
    f.write_text(yaml.safe_dump(doc, sort_keys=False))
    db = tmp_path / "a.sqlite"
    build(data, fig, db)
    with sqlite3.connect(db) as conn:
        views = {v for (v,) in conn.execute(
            "SELECT p.view FROM tp_position p JOIN trigger_point t ON t.id = p.tp "
            "WHERE t.muscle = 'tibialis-anterior' AND t.ordinal = 0 AND p.side = 'right'")}
    assert "foot-medial" not in views
    assert {"anterior", "lateral", "foot-lateral"} <= views


def test_a_zone_may_be_essential_on_one_side_and_spillover_on_the_other(data: Path, fig: Path,
                                                                       tmp_path: Path) -> None:
    """Contralateral spread (SCM clavicular to the far forehead, gluteus medius over the sacrum) can be
    written: the same zone on the same side cannot be both, on opposite sides it can."""
    path = data / "muscles" / "neck" / "upper-trapezius.yaml"
    doc = yaml.safe_load(path.read_text())
    ref = doc["trigger_points"][0]["referral"]
    zone = ref["essential"][0] if isinstance(ref["essential"][0], str) else ref["essential"][0]["zone"]
    ref["spillover"] = [*(ref.get("spillover") or []), {"zone": zone, "side": "contralateral"}]
    path.write_text(yaml.safe_dump(doc))
    db = tmp_path / "ok.sqlite"
    build(data, fig, db)
    rows = sqlite3.connect(db).execute(
        "SELECT zone, kind FROM referral WHERE muscle = 'upper-trapezius' AND muscle_side = 'right' AND zone LIKE ?",
        (f"%-{zone}",)).fetchall()
    assert (f"right-{zone}", "essential") in rows and (f"left-{zone}", "spillover") in rows
    ref["spillover"][-1] = {"zone": zone, "side": "bilateral"}  # reaches the same side too: a contradiction
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(BuildError) as exc:
        build(data, fig, tmp_path / "bad.sqlite")
    assert f"zones both essential and spillover on the same side: ['{zone}']" in "\n".join(map(str, exc.value.problems))
