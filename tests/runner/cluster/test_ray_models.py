"""Models on the cluster: `--model-workers` bounds provider calls across every node, and a
replay model's predictions travel with it (the file stays on the driver)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from codebench.cli.common import prepare_images
from codebench.models import ModelOptions, get_model
from codebench.models.cache import ResponseCache
from codebench.results import Status
from codebench.runner import Executor, RunSettings, run
from codebench.runner.attempt import WorkItem
from codebench.runner.cluster.driver import _travels_whole
from codebench.runner.run import limited
from codebench.sandbox import ImageSet
from codebench.tasks import load_suite
from tests.conftest import FIXTURE_TASKS, quiet
from tests.fake_openai import FakeOpenAI, Reply
from tests.runner.cluster.conftest import LocalCluster
from tests.runner.test_run_models import responder

pytestmark = pytest.mark.docker
MINI = load_suite("mini", FIXTURE_TASKS)


class CountingReplies:
    """The gold replies, counting how many requests are answered at once. The first request
    is held until a second one arrives (or `OVERLAP_WAIT` passes): a fixed pause of 0.4 s
    let a loaded machine's two nodes call one after the other, and the peak of 2 was 1."""

    OVERLAP_WAIT = 6.0  # seconds: the other node's attempt calls well within this
    PAUSE = 0.4  # the later requests' answer time

    def __init__(self) -> None:
        from codebench.models.formats import EditFormat

        self.gold = responder(EditFormat.UDIFF)
        self.changed = threading.Condition()
        self.now = self.peak = self.seen = 0

    def __call__(self, path: str, body: dict[str, Any]) -> Reply:
        with self.changed:
            self.now, self.seen = self.now + 1, self.seen + 1
            self.peak = max(self.peak, self.now)
            self.changed.notify_all()
            wait = self.OVERLAP_WAIT if self.seen == 1 else self.PAUSE
            self.changed.wait_for(lambda: self.peak >= 2, timeout=wait)
            self.now -= 1
        return self.gold(path, body)


def on_cluster(
    run_dir: Path, cluster: LocalCluster, models: tuple[str, ...], **options: Any
) -> RunSettings:
    return RunSettings(
        suite="mini",
        tasks_root=FIXTURE_TASKS,
        run_dir=run_dir,
        model_specs=models,
        samples=2,
        model_options=ModelOptions(**options),
        executor=Executor.RAY,
        ray_address=cluster.address,
    )


@pytest.mark.parametrize("calls", [1, 2])
def test_model_calls_are_bounded_across_the_cluster(
    tmp_path: Path, two_nodes: LocalCluster, docker_images: ImageSet, calls: int
) -> None:
    replies = CountingReplies()
    with FakeOpenAI(replies) as server:
        options = {"base_url": server.url, "cache": ResponseCache(tmp_path / "cache"),
                   "model_calls": calls}  # fmt: skip
        settings = on_cluster(tmp_path / "run", two_nodes, ("openai:fake",), **options)
        outcome = run(settings, prepare_images, quiet())
    assert [r.status for r in outcome.results] == [Status.RESOLVED] * 4
    # two nodes, one attempt each at a time: without the cluster's limit two calls overlap
    assert replies.peak == calls


def test_a_replay_model_travels_whole_to_the_workers(
    tmp_path: Path, two_nodes: LocalCluster, docker_images: ImageSet
) -> None:
    rows = [{"instance_id": t.id, "model_patch": t.gold_patch} for t in MINI]
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text("".join(json.dumps(row) + "\n" for row in rows))
    settings = on_cluster(tmp_path / "run", two_nodes, (f"replay:{predictions}",))
    outcome = run(settings, prepare_images, quiet())
    assert [r.status for r in outcome.results] == [Status.RESOLVED] * 4
    replay = get_model(f"replay:{predictions}", {})
    item = WorkItem(MINI[0], limited(replay, ModelOptions()), 0)
    assert _travels_whole(item), "sent as read on the driver: a node may not have the file"
    assert not _travels_whole(WorkItem(MINI[0], get_model("gold", {}), 0))
