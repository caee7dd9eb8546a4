"""The reward service on the core suite: one batch of 42 replies per reference model over
HTTP, with 2 workers (Docker), the mean reward of each model, and the throughput of a cold
batch and of the same batch again (graded from the cache).

    PYTHONPATH=. python benchmarks/reward_service.py [--workers 2] [--suite core]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from codebench.models import TaskView, get_model
from codebench.paths import default_sandboxes_root, default_tasks_root
from codebench.runner import SandboxSettings
from codebench.runner.analysis_step import start_analysis_process, stop_analysis_process
from codebench.sandbox import Backend
from codebench.sandbox.image import prepare_images
from codebench.tasks import load_suite
from codebench.training import RewardGrader
from codebench.training.prompts import synthetic_reply
from codebench.training.server import RewardService, make_server, request_rewards, serve_in_thread

MODELS = ("gold", "noop", "partial", "gold+reformat", "gold+rename", "gold+style")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--suite", default="core")
    args = parser.parse_args()
    tasks = {t.id: t for t in load_suite(args.suite, default_tasks_root())}
    images = prepare_images({t.spec.image for t in tasks.values()}, default_sandboxes_root(), print)
    settings = SandboxSettings(Backend.DOCKER, images, slots=threading.Semaphore(args.workers))
    service = RewardService(tasks, RewardGrader(settings), args.workers)
    server = make_server(service, "127.0.0.1", 0)
    serve_in_thread(server)
    url = "http://{}:{}".format(*server.server_address[:2])
    gold = {t.id: t.gold_patch for t in tasks.values()}
    start_analysis_process()
    try:
        for spec in (*MODELS, "gold"):
            model = get_model(spec, gold)
            batch = []
            for task in tasks.values():
                patch = model.propose(TaskView(task.id, task.spec.instruction, task.repo_dir)).patch
                batch.append((task.id, synthetic_reply(patch) if patch else ""))
            start = time.monotonic()
            rewards = request_rewards(url, batch, timeout=3600)
            seconds = time.monotonic() - start
            values = [r.reward for r in rewards if r.reward is not None]
            cached = sum(r.cached for r in rewards)
            resolved = sum(r.status.value == "resolved" for r in rewards)
            print(
                f"{spec:14} mean reward {statistics.mean(values):.3f} min {min(values):.3f} "
                f"max {max(values):.3f} resolved {resolved}/{len(rewards)} cached {cached} "
                f"| {seconds:.1f} s, {len(rewards) / seconds:.2f} replies/s",
                flush=True,
            )
    finally:
        stop_analysis_process()
        server.shutdown()
        service.close()


if __name__ == "__main__":
    main()
