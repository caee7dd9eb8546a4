"""Fault injection: one `codebench run` of the core suite while everything under it fails.

Six models on the 42 core tasks (252 attempts): gold, noop and partial; `replay` patches that
fill the sandbox's disk (the gold patch plus code writing until the disk is full); an OpenAI
endpoint where nothing listens; one that drips its answer a byte a second. Every engine call
goes through a proxy (tests/engine_proxy.py) that drops all connections once, then stalls for
longer than an engine call's timeout; then the run is SIGKILLed, and run again to finish.

    .venv/bin/python benchmarks/fault_injection.py [--workers 2] [--kill-at 150]

It prints what each fault did and the end state: results written and readable, statuses per
model, containers, volumes and processes left. Evidence for docs/reliability.md; not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from codebench.analysis.diffs import file_diffs  # noqa: E402
from codebench.patching.render import render_diff  # noqa: E402
from codebench.runner import ResultStore  # noqa: E402
from codebench.sandbox.docker_backend import count_volumes, list_sandboxes  # noqa: E402
from codebench.tasks import load_suite  # noqa: E402
from codebench.tasks.loader import read_texts  # noqa: E402
from tests.engine_proxy import EngineProxy  # noqa: E402
from tests.fake_openai import FakeOpenAI, Reply, chat_body  # noqa: E402

FILLER = """

try:  # fault injection: fill the disk of whatever folder this runs in
    with open("/workspace/.filler", "wb") as _filler:
        for _ in range(4096):
            _filler.write(bytes(1 << 20))
except OSError:
    pass
"""
MODELS = ("gold", "noop", "partial", "replay:fill.jsonl", "openai:dead", "openai:slow")


def dead_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def write_inputs(work: Path, slow_url: str) -> int:
    """codebench.toml for the two endpoints and the disk-filling predictions; the task count."""
    config = f"""
[models."openai:dead"]
base_url = "{dead_url()}"
timeout = 5
[models."openai:slow"]
base_url = "{slow_url}"
timeout = 3
max_attempts = 2
"""
    (work / "codebench.toml").write_text(config)
    tasks = list(load_suite("core", ROOT / "tasks"))
    lines = []
    for task in tasks:
        base = read_texts(task.repo_dir)
        after = {d.path: d.new for d in file_diffs(task.gold_patch, base.get)}
        first = next(path for path in after if path.endswith(".py"))
        after[first] += FILLER
        patch = render_diff(base, after)
        lines.append(json.dumps({"instance_id": task.id, "model_patch": patch}))
    (work / "fill.jsonl").write_text("\n".join(lines) + "\n")
    return len(tasks)


SANDBOX_MODELS = ("gold", "partial", "replay_fill.jsonl")  # result folders of models that
# use a sandbox (noop's empty patches and the endpoints' failures need none)


def result_count(run_dir: Path) -> int:
    return len(list((run_dir / "results").glob("*/*/sample-*.json")))


def sandbox_result_count(run_dir: Path) -> int:
    return sum(
        len(list((run_dir / "results").glob(f"*/{model}/sample-*.json")))
        for model in SANDBOX_MODELS
    )


def status_counts(run_dir: Path) -> dict[str, int]:
    """How the attempts stored so far ended, and the reasons of infrastructure failures."""
    counts: Counter[str] = Counter()
    for result in ResultStore(run_dir).scan().results:
        counts[result.status.value] += 1
        if result.status.value in ("sandbox_error", "model_error"):
            counts[f"  {result.status.value}: {(result.reason or '')[:70]}"] += 1
    return dict(counts)


def descendants(pid: int) -> set[int]:
    """Every live process under `pid` (its children, theirs, ...)."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout
    parent_of = {int(a): int(b) for a, b in (line.split() for line in out.splitlines())}
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parent_of.items() if parent in frontier} - found
        found |= frontier
    return found


def still_alive(pids: set[int]) -> list[str]:
    """Command lines of the processes among `pids` that are still running."""
    alive = []
    for pid in sorted(pids):
        try:
            alive.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return alive


class Faults:
    """Drives the proxy as results come in, then kills the run; records what it did."""

    def __init__(self, proxy: EngineProxy, run_dir: Path, kill_at: int) -> None:
        self.proxy, self.run_dir, self.kill_at = proxy, run_dir, kill_at
        self.log: list[str] = []
        self.process: subprocess.Popen[bytes] | None = None
        self.helpers: set[int] = set()  # the killed run's child processes, seen just before

    def say(self, text: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        counts = f"{result_count(self.run_dir)} results"
        counts += f", {sandbox_result_count(self.run_dir)} in sandboxes"
        self.log.append(f"{stamp} [{counts}] {text}")
        print(self.log[-1], flush=True)

    def wait_for(self, results: int) -> None:
        """Until `results` attempts that used a sandbox have ended."""
        while sandbox_result_count(self.run_dir) < results:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError("the run ended before the fault was injected")
            time.sleep(0.5)

    def drive(self) -> None:
        self.wait_for(15)
        self.say("engine: every connection dropped (and refused for 3 s)")
        self.proxy.drop()
        time.sleep(3)
        self.proxy.resume()
        self.wait_for(40)
        self.say("engine: stalled for 75 s (longer than one engine call's 60 s timeout)")
        self.proxy.stall()
        time.sleep(75)
        self.proxy.resume()
        self.say("engine: answering again")
        self.wait_for(self.kill_at)
        assert self.process is not None
        self.say(f"statuses so far: {status_counts(self.run_dir)}")
        self.helpers = descendants(self.process.pid)
        self.say(f"SIGKILL to the run (pid {self.process.pid}; {len(self.helpers)} helpers)")
        self.process.send_signal(signal.SIGKILL)


def run_codebench(run_dir: Path, workers: int) -> list[str]:
    argv = [str(ROOT / ".venv/bin/codebench"), "run", "--suite", "core"]
    argv += ["--tasks-dir", str(ROOT / "tasks"), "--run-dir", str(run_dir)]
    argv += ["--workers", str(workers), "--no-cache"]
    for model in MODELS:
        argv += ["--model", model]
    return argv


def end_state(
    run_dir: Path, pids: list[int], helpers: set[int], expected: int
) -> dict[str, object]:
    scan = ResultStore(run_dir).scan()
    by_model: dict[str, Counter[str]] = {}
    for result in scan.results:
        by_model.setdefault(result.model, Counter())[result.status.value] += 1
    host = socket.gethostname()
    owners = {f"{host}:{pid}" for pid in pids}
    containers = [c for c, owner in list_sandboxes() if owner in owners]
    volumes = [owner for owner in owners if count_volumes(owner)]
    return {
        "expected_attempts": expected,
        "results_readable": len(scan.results),
        "results_damaged": len(scan.damaged),
        "partial_tmp_files": len(list(run_dir.rglob("*.tmp"))),
        "containers_left": len(containers),
        "volumes_left": len(volumes),
        "processes_left": still_alive(helpers),
        "statuses": {model: dict(counts) for model, counts in sorted(by_model.items())},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--kill-at", type=int, default=80, help="sandbox results (of 126) before the SIGKILL"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="codebench-faults-"))
    run_dir = work / "run"
    drip = Reply(body=chat_body("```diff\n```"), drip=1.0, drip_headers=True)
    with FakeOpenAI(lambda path, body: drip) as slow:
        tasks = write_inputs(work, slow.url)
        proxy = EngineProxy()
        env = {**os.environ, "DOCKER_HOST": proxy.docker_host, "OPENAI_API_KEY": "unused"}
        faults = Faults(proxy, run_dir, args.kill_at)
        argv = run_codebench(run_dir, args.workers)
        started = time.monotonic()
        faults.process = first = subprocess.Popen(argv, cwd=work, env=env)
        driver = threading.Thread(target=faults.drive, daemon=True)
        driver.start()
        first.wait()
        driver.join()  # the engine answers again before the run is resumed
        faults.say(f"first run ended with {first.returncode}")
        time.sleep(3)  # the analysis worker polls for its parent every second
        orphans = still_alive(faults.helpers)
        faults.say(f"helper processes left by the killed run after 3 s: {orphans}")
        again = subprocess.Popen(argv, cwd=work, env=env)
        again.wait()
        helpers = faults.helpers | descendants(again.pid)
        faults.say(f"resumed run (pid {again.pid}) ended with {again.returncode}")
        state = end_state(run_dir, [first.pid, again.pid], helpers, tasks * len(MODELS))
        proxy.close()
    state["seconds"] = round(time.monotonic() - started)
    state["faults"] = faults.log
    state["resumed_exit_code"] = again.returncode
    print(json.dumps(state, indent=2))
    ok = (
        state["results_readable"] == state["expected_attempts"]
        and not state["results_damaged"]
        and not state["containers_left"]
        and not state["volumes_left"]
        and not state["processes_left"]
        and not state["partial_tmp_files"]
    )
    print("OK: 0 results lost, nothing left" if ok else "FAILED: see above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
