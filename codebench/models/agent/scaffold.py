"""`scaffold = "agent"`: an OpenAI-compatible model working in the task's sandbox through tool
calls (Chat Completions or the Responses API, as the model's `api` says).

The agent works in a workspace the runner opens (the starting tree, never the hidden tests);
its answer is the workspace's final diff, which the runner grades in a fresh sandbox exactly
like a single reply's patch. Its trajectory travels with the proposal.
"""

from __future__ import annotations

from pathlib import Path

from codebench.errors import ModelError, SandboxError
from codebench.models.agent.conversation import Conversation, read_turn
from codebench.models.agent.loop import AgentTask, TurnAnswer, run_agent
from codebench.models.base import Model, PriorTry, Proposal, TaskView
from codebench.models.openai_model import OpenAIModel, cost_of
from codebench.models.prompt import fill, template
from codebench.models.trajectory import EndReason, Trajectory
from codebench.sandbox import Sandbox

# The agent's answer: every changed file, ignored or not (as `Sandbox.diff`), but not the
# bytecode and test caches its own test runs leave behind.
AGENT_DIFF = (
    "git add -A -f -- . ':(exclude,glob)**/__pycache__/**' ':(exclude,glob)**/*.pyc' "
    "':(exclude,glob).pytest_cache/**' && "
    "git diff --cached --text --no-ext-diff --no-textconv --binary base"
)
MAX_LISTED = 60  # top-level entries named in the first message


class AgentModel(Model):
    """An `openai:` model with `scaffold = "agent"`."""

    def __init__(self, model: OpenAIModel) -> None:
        self.spec, self.model = model.spec, model
        self.config = model.config

    def propose(self, view: TaskView, sample: int = 0) -> Proposal:
        """Run the agent in a fresh workspace; propose its final diff.

        Raises:
            ModelError: the run gives models no sandbox (`view.workspace` is None).
            SandboxError: the workspace failed (not the model's doing).
        """
        if view.workspace is None:
            raise ModelError(f"{self.spec}: the agent scaffold needs a sandbox to work in")
        task = AgentTask(
            system=template("agent_system.txt", self.config.prompt_dir).strip(),
            user=agent_user_message(view, self.config.prompt_dir),
            api=self.config.api,
            limits=self.config.agent,
            # a model configured to reason keeps its reasoning across turns (store is off)
            keep_reasoning=self.config.reasoning_effort is not None,
        )
        with view.workspace() as box:
            trajectory = run_agent(box, self, task)
            patch = agent_diff(box)
        return proposal_of(trajectory, patch)

    def next_turn(self, conversation: Conversation, timeout: float) -> TurnAnswer:
        """The model's next turn, retried as every call of this model is (429, 5xx).

        Raises:
            ModelError: every attempt failed, or `timeout` passed.
        """
        if timeout <= 0:
            raise ModelError(f"{self.spec}: no time left for another turn")
        request = self.model.options() | conversation.request()
        answer = self.model.ask(request, read_turn, timeout)
        return TurnAnswer(
            turn=answer.value,
            usage=answer.usage,
            cost_usd=cost_of(answer.usage, self.model.price),
            seconds=answer.seconds,
            api_errors=answer.attempts - 1,
        )


def proposal_of(trajectory: Trajectory, patch: str) -> Proposal:
    """The proposal of a finished run: its diff, tokens, cost and time, and its trajectory; a
    run the provider cut short is a `failure` (its diff is kept for a person, not graded)."""
    summary = trajectory.summary()
    last_text = next((s.text for s in reversed(trajectory.steps) if s.text), "")
    failed = trajectory.ended_by is EndReason.MODEL_ERROR
    return Proposal(
        patch=patch,
        seconds=trajectory.seconds,
        usage=trajectory.usage(),
        cost_usd=summary.cost_usd,
        reply=last_text,
        calls=summary.steps,
        trajectory=trajectory,
        failure=f"the agent's provider failed: {trajectory.detail}" if failed else None,
    )


def agent_diff(box: Sandbox) -> str:
    """The workspace against its starting tree, caches left out.

    Raises:
        SandboxError: git failed in the sandbox.
    """
    result = box.sh(AGENT_DIFF, timeout=120)
    if not result.ok:
        raise SandboxError(f"git diff failed in the agent's sandbox: {result.stderr.strip()}")
    return result.stdout


def agent_user_message(view: TaskView, prompt_dir: Path | None) -> str:
    """The first user message: the instruction, any earlier tries, the top-level entries."""
    entries = sorted(p.name + ("/" if p.is_dir() else "") for p in view.repo_dir.iterdir())
    listed = ", ".join(entries[:MAX_LISTED]) + (", ..." if len(entries) > MAX_LISTED else "")
    return fill(
        "agent_user.txt",
        prompt_dir,
        instruction=view.instruction.strip(),
        prior_tries="".join(
            _prior(number, prior, prompt_dir)
            for number, prior in enumerate(view.prior_tries, start=1)
        ),
        top_level=listed or "(none)",
    )


def _prior(number: int, prior: PriorTry, prompt_dir: Path | None) -> str:
    return fill(
        "agent_prior_try.txt",
        prompt_dir,
        number=number,
        patch=prior.patch.strip() or "(no change)",
        problem=prior.problem,
        test_output=prior.test_output.strip() or "(none)",
    )
