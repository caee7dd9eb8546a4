"""Models: the `Model` interface, reference models, and spec parsing."""

from codebench.models.base import Model, PriorTry, Proposal, TaskView, Usage
from codebench.models.registry import ModelOptions, get_model, parse_spec

__all__ = [
    "Model",
    "ModelOptions",
    "PriorTry",
    "Proposal",
    "TaskView",
    "Usage",
    "get_model",
    "parse_spec",
]
