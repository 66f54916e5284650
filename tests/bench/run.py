"""Load benchmark: the atlas against the same bytes from a bare ASGI app and from nginx, in one run.

    python tests/bench/run.py [--seconds 60] [--connections 64]

Needs wrk and nginx (Debian packages). Reports requests/s, p50 and p99 per endpoint and the ratio
to the bare-ASGI baseline measured in the same run (these machines are noisy), then the server
time of the uncached lookup (10 zones) and search on the full atlas.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

ENDPOINTS = {
    "home page": "/",
    "muscle page": "/muscles/upper-trapezius",
    "map SVG": "/maps/muscles/upper-trapezius.svg",
    "search": "/search?q=infraspinatous",
    "lookup": "/lookup?zones=right-heel,right-calf",
}
BARE = '''
import json
# encoded once: the baseline does nothing per request but send the bytes
BODIES = {{k: (v[0].encode(), v[1].encode()) for k, v in json.load(open({path!r})).items()}}
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    key = scope["path"] + ("?" + scope["query_string"].decode() if scope["query_string"] else "")
    ctype, body = BODIES.get(key, (b"text/plain", b""))
    await send({{"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]}})
    await send({{"type": "http.response.body", "body": body}})
'''


def wait(url: str, seconds: float = 30) -> None:
    for _ in range(int(seconds * 10)):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def wrk(url: str, seconds: int, conns: int) -> tuple[float, str, str, int]:
    out = subprocess.run(["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", url], capture_output=True,
                         text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: .*", out)
    return rps, p50, p99, (int(errors.group(1)) if errors else 0) + (1 if sock else 0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--connections", type=int, default=64)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    env = {**os.environ, "ATLAS_DB_PATH": str(tmp / "atlas.sqlite")}
    procs = []
    try:
        subprocess.run([sys.executable, "-m", "app.cli", "build"], env=env, cwd=ROOT, check=True)
        uv = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--log-level", "warning", "--no-access-log"]
        procs.append(subprocess.Popen([*uv, "--port", "8701", "--factory", "app.main:create_app"], env=env, cwd=ROOT))
        wait("http://127.0.0.1:8701/")
        import json

        bodies = {}
        static = tmp / "static"
        for name, path in ENDPOINTS.items():
            r = httpx.get("http://127.0.0.1:8701" + path)
            bodies[path] = [r.headers["content-type"], r.text]
            f = static / (name.replace(" ", "-") + ".out")
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_bytes(r.content)
        (tmp / "bodies.json").write_text(json.dumps(bodies))
        (tmp / "bare.py").write_text(BARE.format(path=str(tmp / "bodies.json")))
        procs.append(subprocess.Popen([*uv, "--port", "8702", "--app-dir", str(tmp), "bare:app"], cwd=tmp))
        wait("http://127.0.0.1:8702/")
        nginx_conf = tmp / "nginx.conf"
        nginx_conf.write_text(f"""worker_processes 1; daemon off; pid {tmp}/nginx.pid; error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; default_type text/html; server {{ listen 127.0.0.1:8703; root {static}; }} }}""")
        have_nginx = shutil.which("nginx") is not None
        if have_nginx:
            procs.append(subprocess.Popen(["nginx", "-c", str(nginx_conf)]))
            wait("http://127.0.0.1:8703/")
        rows = []
        for name, path in ENDPOINTS.items():
            a = wrk("http://127.0.0.1:8701" + path, args.seconds, args.connections)
            b = wrk("http://127.0.0.1:8702" + path, args.seconds, args.connections)
            n = wrk(f"http://127.0.0.1:8703/{name.replace(' ', '-')}.out", args.seconds, args.connections) \
                if have_nginx else (0.0, "-", "-", 0)
            rows.append((name, a, b, n))
        print(f"\nwrk -t2 -c{args.connections} -d{args.seconds}s, one uvicorn worker each, on {os.cpu_count()} cores\n")
        print("| endpoint | atlas req/s | p50 | p99 | errors | bare ASGI req/s | atlas / bare | nginx req/s |")
        print("|---|---|---|---|---|---|---|---|")
        for name, a, b, n in rows:
            print(f"| {name} | {a[0]:.0f} | {a[1]} | {a[2]} | {a[3]} | {b[0]:.0f} | {a[0] / b[0]:.0%} | {n[0]:.0f} |")
        server_times()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


def server_times() -> None:
    """Uncached server time of the lookup and search on the full atlas (median of repeats)."""
    import statistics

    from app import contexts, queries
    from app.atlas import Atlas
    from app.settings import Settings

    atlas = Atlas(Settings().db_path)
    zones = ["right-heel", "right-calf", "right-temple", "right-lateral-epicondyle", "right-posterolateral-neck",
             "right-upper-buttock", "right-lumbar-paraspinal", "right-anterior-thigh", "right-scapula", "sacrum"]

    def timed(fn, n: int = 200) -> float:  # type: ignore[no-untyped-def]
        ts = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t)
        return statistics.median(ts) * 1000

    index = atlas.referrals
    lk = timed(lambda: queries.lookup(index, zones))
    lk_ctx = timed(lambda: contexts.lookup_results(atlas, [",".join(zones)]))
    se = timed(lambda: contexts.search(atlas, "sternocleidomastiod"))
    print(f"\nlookup, 10 zones: {lk:.2f} ms (query), {lk_ctx:.2f} ms (with reasons); "
          f"search 'sternocleidomastiod': {se:.2f} ms")


if __name__ == "__main__":
    main()
