"""Re-pose the mesh from its A-pose into the standing pose of the charts.

The base mesh stands with the arms 40° out and the elbows bent forward; trigger-point charts show
the arms at the sides with straight elbows and the palms forward (the anatomical position), so the
flank and forearm are not hidden. A few smooth rotations about the joints do it: no rig needed.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from app.figure.mesh import Array, Mesh


def _smooth(t: Array, a: float, b: float) -> Array:
    s = np.clip((t - a) / (b - a), 0.0, 1.0)
    out: Array = s * s * (3 - 2 * s)
    return out


def _rotate(p: Array, centre: Array, axis: Array, angle: Array) -> Array:
    """Rodrigues' rotation of points ``p`` about ``axis`` through ``centre`` by per-point ``angle``."""
    k = axis / np.linalg.norm(axis)
    v = p - centre
    c, s = np.cos(angle)[:, None], np.sin(angle)[:, None]
    out: Array = centre + v * c + np.cross(k, v) * s + k * (v @ k)[:, None] * (1 - c)
    return out


def _angle(a: Array, b: Array) -> float:
    return math.acos(float(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1)))


def anatomical(mesh: Mesh, abduction_deg: float = 9.0, supination_deg: float = 80.0,
               leg_deg: float = 3.5) -> Mesh:
    # joint centres ride along as extra points, so they get exactly the vertices' rotations
    names = list(mesh.joints)
    v = np.vstack([mesh.verts, np.array([mesh.joints[n] for n in names])])
    orig = dict(mesh.joints)
    hands: dict[str, npt.NDArray[np.bool_]] = {}
    arms: dict[str, npt.NDArray[np.bool_]] = {}
    for side, sign in (("r", -1.0), ("l", 1.0)):
        joints = {n: v[len(mesh.verts) + i] for i, n in enumerate(names)}
        sh, el, wr = (joints[f"{side}-{j}"].copy() for j in ("shoulder", "elbow", "hand"))
        # which vertices belong to the arm: outward of the armpit line through the shoulder joint
        u = sign * (v[:, 0] - sh[0])
        d = v[:, 1] - sh[1]
        phi = np.degrees(np.arctan2(d, u))
        in_arm = _smooth(phi, -84.0, -66.0) * _smooth(u, -0.35, 0.45)
        arms[side] = (in_arm > 0.5)[: len(mesh.verts)]
        upper = el - sh
        # 1. straighten the elbow: the forearm turns about the elbow into the line of the upper arm
        t = (v - el) @ (upper / np.linalg.norm(upper))
        w_el = in_arm * _smooth(t, -0.35, 0.35)
        fore = wr - el
        axis_el = np.cross(fore, upper)
        ang_el = _angle(fore, upper)
        v = _rotate(v, el, axis_el, w_el * ang_el)
        wr = _rotate(wr[None], el, axis_el, np.array([ang_el]))[0]
        # 2. supinate: the forearm twists about its own axis, more towards the wrist
        t2 = (v - el) @ (upper / np.linalg.norm(upper)) / np.linalg.norm(wr - el)
        w_sup = in_arm * _smooth(t2, 0.05, 0.95)
        v = _rotate(v, el, upper, w_sup * math.radians(supination_deg) * -sign)
        # 3. the hand in line with the forearm: wrist straight, fingers pointing down the arm
        joints = {n: v[len(mesh.verts) + i] for i, n in enumerate(names)}
        fing = joints[f"{side}-finger-3-1"]
        wr2 = joints[f"{side}-hand"]
        hand_dir = fing - wr2
        fore2 = wr2 - el
        t3 = (v - wr2) @ (fore2 / np.linalg.norm(fore2))
        w_hand = in_arm * _smooth(t3, -0.12, 0.12)
        hands[side] = (w_hand > 0.5)[: len(mesh.verts)]
        axis_h = np.cross(hand_dir, fore2)
        if np.linalg.norm(axis_h) > 1e-9:
            v = _rotate(v, wr2, axis_h, w_hand * _angle(hand_dir, fore2))
        # 4. bring the whole arm down to the side
        target = np.array([sign * math.sin(math.radians(abduction_deg)), -math.cos(math.radians(abduction_deg)), 0.0])
        axis = np.cross(upper, target)
        ang = _angle(upper, target)
        v = _rotate(v, sh, axis, in_arm * ang)
        # 5. the legs closer together: the charts' stance is narrower than the mesh's
        hip, ankle = orig[f"{side}-upper-leg"], orig[f"{side}-ankle"]
        leg = ankle - hip
        target = np.array([sign * math.sin(math.radians(leg_deg)), -math.cos(math.radians(leg_deg)), 0.0])
        target = target * np.linalg.norm(leg[:2]) + np.array([0.0, 0.0, leg[2]])
        w_leg = _smooth(-(v[:, 1] - hip[1]), -0.3, 1.4) * _smooth(sign * v[:, 0], 0.0, 0.35)
        axis = np.array([0.0, 0.0, 1.0])
        ang = math.atan2(leg[0], -leg[1]) - math.atan2(target[0], -target[1])
        v = _rotate(v, hip, axis, -w_leg * ang)
    n = len(mesh.verts)
    return replace(mesh, verts=v[:n], joints={name: v[n + i] for i, name in enumerate(names)}, hands=hands,
                   arms=arms)


def with_surface_points(mesh: Mesh) -> Mesh:
    """Add named skin points the joints do not give (top of the head, nose, chin, heel, toe tips)."""
    v, j = mesh.verts, dict(mesh.joints)
    body = v[: int(mesh.tris[mesh.tri_groups == 0].max()) + 1]
    mid = np.abs(body[:, 0]) < 0.12
    j["top"] = body[np.argmax(body[:, 1])]
    eye_y = j["r-eye"][1]
    band = mid & (body[:, 1] < eye_y) & (body[:, 1] > eye_y - 0.9)
    j["nose"] = body[band][np.argmax(body[band][:, 2])]
    nose_y = j["nose"][1]
    band = mid & (body[:, 1] < nose_y - 0.45) & (body[:, 1] > nose_y - 1.0)
    j["chin"] = body[band][np.argmax(body[band][:, 2])]
    for side, sign in (("r", -1.0), ("l", 1.0)):
        foot = body[(sign * body[:, 0] > 0.3) & (body[:, 1] < j[f"{side}-ankle"][1] + 0.2)]
        j[f"{side}-heel"] = foot[np.argmin(foot[:, 2])]
        j[f"{side}-toe"] = foot[np.argmax(foot[:, 2])]
    return replace(mesh, joints=j)
