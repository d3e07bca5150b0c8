"""Benchmark: latency the gateway adds, and its throughput, against the bare fake upstream and
(optionally) the LiteLLM proxy, measured with ``wrk`` (Debian: ``apt-get install wrk``).

Run from the repository root, under ``nice`` on a shared machine:
``python benchmarks/bench_gateway.py [--seconds 10] [--runs 3] [--litellm PATH] [--thread]`` where PATH is a
``litellm`` executable installed in its own virtualenv (kept out of Sobria's dependencies:
``python3 -m venv /work/litellm-venv && /work/litellm-venv/bin/pip install 'litellm[proxy]'``).
Each server is a separate process; the upstream answers at once so that what is measured is the
proxies' own cost. The gateway runs the template charter with every rule on (see
:func:`gateway_setup`). Concurrency 1 (a Python client timing each request on one keep-alive
connection) gives the added latency (p50, p99: proxy minus upstream); wrk at concurrency 20 gives
the throughput, and /proc the CPU each server spent per request (the gateway's drain included).
With ``--runs N`` every figure is the median of N runs; the load average is printed beside them.
With ``--thread`` every request is a four-turn conversation of its own (``THREAD``): the thread
signal's revision score runs on each (a one-turn request, the default, has no answer before it).
Targets on the 2-core machine, one worker: added p50 <= 1 ms, p99 <= 3 ms; throughput >= 10x LiteLLM.
The gateway inherits the environment: ``SOBRIA_UPSTREAM_CLIENT=aiohttp`` measures it with the previous
upstream client (default: Sobria's own, ``sobria.gateway.http_client``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sobria.gateway.keys import create_key  # noqa: E402
from sobria.policy.loader import policy_template  # noqa: E402
from sobria.store import open_store  # noqa: E402

BODY = ('{"model": "gpt-4o-mini", "messages": [{"role": "user", '
        '"content": "Résume la réunion de lundi en trois points"}]}')
# --thread: a four-turn conversation whose last turn follows three answers, each request a new
# conversation (its opening names a number), so that the thread signal's revision score runs on
# every request (a repeated thread would be told a regeneration first, without the score)
THREAD = ('{{"model": "gpt-4o-mini", "messages": ['
          '{{"role": "user", "content": "Rédige un e-mail de relance pour le client Boulangeries Martin au sujet '
          'du devis n°{n}"}}, {{"role": "assistant", "content": "Bonjour, je me permets de revenir vers vous…"}}, '
          '{{"role": "user", "content": "Ajoute une phrase sur le délai de livraison"}}, '
          '{{"role": "assistant", "content": "Bonjour, je me permets de revenir vers vous… Livraison sous 8 jours."}}, '
          '{{"role": "user", "content": "plus court et plus formel"}}, '
          '{{"role": "assistant", "content": "Madame, Monsieur, sans retour de votre part…"}}, '
          '{{"role": "user", "content": "Maintenant traduis-le en anglais"}}]}}')
LUA = """wrk.method = "POST"
wrk.body = [[{body}]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
"""
LUA_THREAD = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
local threads = 0
setup = function(thread)   -- each wrk thread numbers its conversations from its own base
  thread:set("counter", threads * 100000000)
  threads = threads + 1
end
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, string.format([[{template}]], counter))
end
"""


def body_of(thread: bool, n: int) -> bytes:
    """The request body: the one-turn ``BODY``, or the ``n``-th four-turn conversation (``THREAD``)."""
    return (THREAD.format(n=n) if thread else BODY).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} not ready")


def start(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def wrk(url: str, key: str, connections: int, seconds: int, folder: Path, thread: bool = False) -> dict[str, float]:
    script = folder / "post.lua"
    lua = LUA_THREAD.format(key=key, template=THREAD.format(n="%d")) if thread else LUA.format(body=BODY, key=key)
    script.write_text(lua, encoding="utf-8")
    threads = 1 if connections == 1 else 2
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
                          url], check=True, capture_output=True, text=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "99"):
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        result[f"p{pct}_ms"] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    if os.environ.get("BENCH_VERBOSE"):
        print(url, f"-c{connections}", out, sep="\n")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] = float(errors.group(1)) if errors else 0.0
    return result


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, parents = 0.0, {pid}
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    changed = True
    while changed:
        changed = False
        for child, (ppid, _cpu) in stats.items():
            if ppid in parents and child not in parents:
                parents.add(child)
                changed = True
    for member in parents:
        total += stats.get(member, (0, 0.0))[1]
    return total


def latency_c1(url: str, key: str, seconds: int, thread: bool = False) -> dict[str, float]:
    """p50/p99 of sequential requests on one keep-alive connection, each one timed (wrk's own
    latency statistics at one connection proved unreliable on this machine)."""
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    times: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        body = body_of(thread, 10_000_000 + len(times))  # c=20 numbers its own from 1
        start = time.perf_counter()
        conn.request("POST", parsed.path, body, headers)
        response = conn.getresponse()
        response.read()
        times.append(time.perf_counter() - start)
        errors += response.status != 200
    conn.close()
    times.sort()
    return {"p50_ms": times[len(times) // 2] * 1000, "p99_ms": times[int(len(times) * 0.99)] * 1000,
            "errors": float(errors), "requests": float(len(times))}


CLIENTS = ["Dupont Industries", "Martin & Fils", "Boulangerie Lefèvre", "TechVert", "Groupe Aubert"]


def gateway_setup(folder: Path, upstream: str) -> tuple[Path, str]:
    """The template charter with every rule on: PII scan with a client list, model routing, team
    budget (a reservation per request, settled by the drain), regeneration counting, the journal."""
    (folder / "politique.yaml").write_text(policy_template(dt.date(2026, 1, 1)), encoding="utf-8")
    (folder / "clients.csv").write_text("nom\n" + "\n".join(CLIENTS) + "\n", encoding="utf-8")
    config = folder / "gateway.yaml"
    config.write_text(f"policy: politique.yaml\ntool: passerelle-sobria\nstore: sqlite:///{folder / 'gw.db'}\n"
                      "client_names: clients.csv\n"
                      f"journal: journal\nupstreams:\n  - name: fake\n    base_url: {upstream}/v1\n"
                      "    provider: openai\n    models: [gpt-4o-mini, gpt-4o]\n", encoding="utf-8")
    store = open_store(f"sqlite:///{folder / 'gw.db'}")
    store.migrate()
    _record, key = create_key(store, "bench", "p_bench", "commercial")  # a team: its budget is reserved
    store.close()
    return config, key


def litellm_setup(folder: Path, upstream: str) -> Path:
    config = folder / "litellm.yaml"
    config.write_text("model_list:\n  - model_name: gpt-4o-mini\n    litellm_params:\n"
                      f"      model: openai/gpt-4o-mini\n      api_base: {upstream}/v1\n      api_key: fake\n",
                      encoding="utf-8")
    return config


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1, help="runs; each figure is the median over them")
    parser.add_argument("--litellm", help="path of a litellm executable (its own virtualenv)")
    parser.add_argument("--thread", action="store_true",
                        help="send four-turn conversations (the thread signal's revision score on every request)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    folder = Path(tempfile.mkdtemp(prefix="sobria-bench-"))
    up_port, gw_port, ll_port = free_port(), free_port(), free_port()
    upstream = f"http://127.0.0.1:{up_port}"
    env = {"PYTHONPATH": str(ROOT / "src")}
    procs = [start([sys.executable, "-m", "sobria.gateway.fake_upstream", "--port", str(up_port)], env)]
    try:
        wait_ready(f"{upstream}/v1/models")
        config, key = gateway_setup(folder, upstream)
        procs.append(start([sys.executable, "-m", "sobria.gateway", "--config", str(config), "--port", str(gw_port)],
                           env))
        wait_ready(f"http://127.0.0.1:{gw_port}/healthz")
        targets = {"upstream": (upstream, procs[0].pid), "sobria": (f"http://127.0.0.1:{gw_port}", procs[1].pid)}
        if args.litellm:
            procs.append(start([args.litellm, "--config", str(litellm_setup(folder, upstream)), "--port",
                                str(ll_port), "--num_workers", "1"], {"LITELLM_MASTER_KEY": key}))
            wait_ready(f"http://127.0.0.1:{ll_port}/health/liveliness", 300)
            targets["litellm"] = (f"http://127.0.0.1:{ll_port}", procs[2].pid)
        runs = []
        for run in range(args.runs):
            runs.append(measure(targets, key, args.seconds, folder, args.thread))
            print(f"run {run + 1}: load average {os.getloadavg()[0]:.2f}; " + ratios(runs[-1]), flush=True)
        report(median_results(runs))
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(30)


Results = dict[str, dict[str, dict[str, float]]]


def measure(targets: dict[str, tuple[str, int]], key: str, seconds: int, folder: Path,
            thread: bool = False) -> Results:
    results: Results = {}
    for name, (base, pid) in targets.items():
        url = f"{base}/v1/chat/completions"
        wrk(url, key, 20, 2, folder, thread)  # warm-up
        c1 = latency_c1(url, key, seconds, thread)
        cpu = tree_cpu_s(pid)
        c20 = wrk(url, key, 20, seconds, folder, thread)
        used = tree_cpu_s(pid) - cpu
        c20["cpu_us"] = used / (c20["rps"] * seconds) * 1e6
        c20["cores"] = used / seconds  # cores the server (and its children) kept busy
        results[name] = {"c1": c1, "c20": c20}
    return results


def median_results(runs: list[Results]) -> Results:
    first = runs[0]
    return {name: {part: {k: statistics.median(r[name][part][k] for r in runs) for k in values}
                   for part, values in parts.items()} for name, parts in first.items()}


def ratios(results: Results) -> str:
    up, sob = results["upstream"], results["sobria"]
    text = (f"sobria added p50 {sob['c1']['p50_ms'] - up['c1']['p50_ms']:.3f} ms, "
            f"p99 {sob['c1']['p99_ms'] - up['c1']['p99_ms']:.3f} ms, {sob['c20']['rps']:.0f} req/s")
    if "litellm" in results:
        text += f"; {sob['c20']['rps'] / results['litellm']['c20']['rps']:.1f}x litellm's throughput"
    return text


def report(results: Results) -> None:
    bare = results["upstream"]["c1"]
    print(f"{'':10} {'p50 ms':>8} {'p99 ms':>8} {'added p50':>10} {'added p99':>10} {'rps c20':>9} "
          f"{'CPU us/req':>10} {'errors':>7}")
    for name, res in results.items():
        c1, c20 = res["c1"], res["c20"]
        print(f"{name:10} {c1['p50_ms']:8.3f} {c1['p99_ms']:8.3f} {c1['p50_ms'] - bare['p50_ms']:10.3f} "
              f"{c1['p99_ms'] - bare['p99_ms']:10.3f} {c20['rps']:9.0f} {c20['cpu_us']:10.0f} "
              f"{c1['errors'] + c20['errors']:7.0f}")
    if "litellm" in results:
        ratio = results["sobria"]["c20"]["rps"] / results["litellm"]["c20"]["rps"]
        print(f"throughput sobria / litellm at concurrency 20: {ratio:.1f}x")
    sob, up = results["sobria"]["c20"], results["upstream"]["c20"]
    print(f"throughput sobria / bare upstream at concurrency 20: {sob['rps'] / up['rps']:.2f}x; "
          f"CPU per request: sobria {sob['cpu_us']:.0f} us (gateway and drain)")
    # One gateway process serves requests on one event loop (one core at most) and drains in a second
    # process: on an idle machine one process tops out near 1e6 / CPU-per-request, and 2 saturate 2 cores.
    print(f"one gateway process kept {sob['cores']:.2f} cores busy at concurrency 20 (what the shared machine "
          f"left it); at {sob['cpu_us']:.0f} us per request one process tops out near {1e6 / sob['cpu_us']:.0f} "
          f"req/s on an idle core: 2 processes (one event loop each) saturate 2 cores")


if __name__ == "__main__":
    main()
