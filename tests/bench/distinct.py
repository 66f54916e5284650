"""Load benchmark with distinct requests, as users send them: new lookups, searches and image options.

    python tests/bench/distinct.py [--seconds 20] [--connections 64]

Needs wrk (Debian package). wrk's Lua `request()` builds every request afresh: random zone selections
for /api/lookup and /lookup, random terms (names, aliases, typos) for /api/search, random PNG options
(muscle, width, scheme) while a cached page is measured beside them, and a flood of URLs with junk
parameters. The server's resident memory is sampled from /proc throughout. Each figure is reported
beside a bare ASGI app answering the same kind of request in the same run (the Python limit on this
machine), because these shared machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from run import wait  # noqa: E402 - the other benchmark's start-up wait, beside this file

BARE = '''
BODY = b'{"ok": true}'
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]})
    await send({"type": "http.response.body", "body": BODY})
'''

LUA = '''
local zones = %(zones)s
local terms = %(terms)s
local slugs = %(slugs)s
local widths = {240, 480, 800}
local schemes = {"clinical", "colour-blind", "greyscale"}
local kind = "%(kind)s"
local counter = 1
local n = 0
function setup(thread) thread:set("id", counter); counter = counter + 1 end
function init(args) math.randomseed(os.time() * 1000 + id * 7919) end
local function pick(t) return t[math.random(#t)] end
local function selection()
  local k, seen, out = math.random(1, 4), {}, {}
  while #out < k do
    local z = pick(zones)
    if not seen[z] then seen[z] = true; out[#out + 1] = z end
  end
  return table.concat(out, ",")
end
request = function()
  n = n + 1
  local path
  if kind == "api-lookup" then path = "/api/lookup?zones=" .. selection()
  elseif kind == "lookup" then path = "/lookup?zones=" .. selection()
  elseif kind == "api-search" then path = "/api/search?q=" .. pick(terms)
  elseif kind == "png" then
    path = "/maps/muscles/" .. pick(slugs) .. ".png?width=" .. pick(widths) .. "&scheme=" .. pick(schemes)
  else path = "/muscles/" .. pick(slugs) .. "?r=" .. id .. "-" .. n end
  return wrk.format("GET", path)
end
'''


def wrk(base: str, kind: str, seconds: int, conns: int, lua: dict[str, str], tmp: Path) -> dict[str, object]:
    script = tmp / f"{kind}.lua"
    script.write_text(LUA % {**lua, "kind": kind})
    out = subprocess.run(["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "10s", "-s", str(script),
                          base], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(x) for x in sock.groups()) if sock else 0)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors, "requests": total}


def settle(pid: int) -> None:
    """Wait until the server has worked off what the last run queued (wrk leaves its requests
    behind): its process uses under a tenth of a core for a whole second. (A quick answer to one
    probe was not enough: the probe got a free thread while the backlog of pages still ran.)"""
    tick = os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime, in seconds

    deadline = time.time() + 300
    while time.time() < deadline:
        before = cpu()
        time.sleep(1.0)
        if cpu() - before < 0.1:
            return


class Rss:
    """Resident memory of one process, sampled five times a second."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.stop = pid, 0, False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def now(self) -> int:
        text = Path(f"/proc/{self.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", text).group(1)) // 1024  # type: ignore[union-attr]

    def _run(self) -> None:
        while not self.stop:
            self.peak = max(self.peak, self.now())
            time.sleep(0.2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=64)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    env = {**os.environ, "ATLAS_DB_PATH": str(tmp / "atlas.sqlite")}
    subprocess.run([sys.executable, "-m", "app.cli", "build"], env=env, cwd=ROOT, check=True)
    uv = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--log-level", "warning", "--no-access-log"]
    atlas = subprocess.Popen([*uv, "--port", "8711", "--factory", "app.main:create_app"], env=env, cwd=ROOT)
    (tmp / "bare.py").write_text(BARE)
    bare = subprocess.Popen([*uv, "--port", "8712", "--app-dir", str(tmp), "bare:app"], cwd=tmp)
    a, b = "http://127.0.0.1:8711", "http://127.0.0.1:8712"
    try:
        wait(a + "/api/zones", 60)
        wait(b + "/", 60)
        zones = [z["slug"] for z in httpx.get(a + "/api/zones", timeout=60).json()]
        muscles = httpx.get(a + "/api/muscles", timeout=60).json()
        slugs = [m["slug"] for m in muscles]
        terms = []
        for m in muscles:  # names, a typo of each, and first words: what people type
            name = m["name"].lower()
            terms += [name, name[:-2] + name[-1:] if len(name) > 4 else name, name.split()[0]]
        terms = [t.replace(" ", "+") for t in terms]
        lua = {"zones": "{" + ",".join(json.dumps(z) for z in zones) + "}",
               "terms": "{" + ",".join(json.dumps(t) for t in terms) + "}",
               "slugs": "{" + ",".join(json.dumps(s) for s in slugs) + "}"}
        rss = Rss(atlas.pid)
        start = rss.now()
        # images and junk first: a run of /lookup pages leaves a backlog that outlasts wrk
        # a cached page while 16 clients ask for random PNGs
        httpx.get(a + "/muscles/infraspinatus", timeout=60)
        result: dict[str, dict[str, object]] = {}
        pngs = threading.Thread(target=lambda: result.update(png=wrk(a, "png", args.seconds, 16, lua, tmp)))
        pngs.start()
        time.sleep(1)
        cached = subprocess.run(["wrk", "-t1", "-c4", f"-d{max(5, args.seconds - 3)}s", "--latency",
                                 a + "/muscles/infraspinatus"], capture_output=True, text=True, check=True).stdout
        pngs.join()
        settle(atlas.pid)
        cached_p99 = re.search(r"^\s+99%\s+(\S+)", cached, re.M).group(1)  # type: ignore[union-attr]
        cached_rps = float(re.search(r"Requests/sec:\s+([\d.]+)", cached).group(1))  # type: ignore[union-attr]
        before_junk = rss.now()
        junk = wrk(a, "junk", args.seconds, args.connections, lua, tmp)
        after_junk = rss.now()
        settle(atlas.pid)  # what the junk run queued is worked off before the lookups are measured
        rows = []
        for kind, label in [("api-lookup", "/api/lookup, random 1–4 zones"),
                            ("api-search", "/api/search, random names and typos"),
                            ("lookup", "/lookup page, random 1–4 zones")]:
            x = wrk(a, kind, args.seconds, args.connections, lua, tmp)
            y = wrk(b, kind, args.seconds, args.connections, lua, tmp)
            rows.append((label, x, y))
            settle(atlas.pid)
        rss.stop = True
        print(f"\nwrk -t2 -c{args.connections} -d{args.seconds}s with a Lua request() per request, "
              f"one uvicorn worker each, {os.cpu_count()} cores\n")
        print("| distinct requests | atlas req/s | p50 | p99 | errors | bare ASGI req/s | atlas / bare |")
        print("|---|---|---|---|---|---|---|")
        for label, x, y in rows:
            print(f"| {label} | {x['rps']:.0f} | {x['p50']} | {x['p99']} | {x['errors']} | {y['rps']:.0f} | "
                  f"{float(x['rps']) / float(y['rps']):.0%} |")  # type: ignore[arg-type]
        png = result["png"]
        print(f"| random PNGs (16 clients) | {png['rps']:.0f} | {png['p50']} | {png['p99']} | {png['errors']} | | |")
        print(f"\ncached page (/muscles/infraspinatus, 4 clients) while the PNGs render: p99 {cached_p99}, "
              f"{cached_rps:.0f} req/s")
        print(f"junk parameters: {junk['requests']} distinct URLs, {junk['errors']} errors, "
              f"RSS {before_junk} → {after_junk} MB ({after_junk - before_junk:+d} MB)")
        print(f"server RSS: {start} MB at start, peak {rss.peak} MB")
    finally:
        for p in (atlas, bare):
            p.terminate()
        for p in (atlas, bare):
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
