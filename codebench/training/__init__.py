"""Graded runs as training data (SFT, preference, RFT exports) and the grader as a reward
(a function and an HTTP service)."""

from codebench.training.export import ExportOutcome, ExportSettings, export
from codebench.training.records import Filters, Manifest
from codebench.training.reward import GradeCache, Reward, RewardGrader, RewardWeights, reward

__all__ = [
    "ExportOutcome",
    "ExportSettings",
    "Filters",
    "GradeCache",
    "Manifest",
    "Reward",
    "RewardGrader",
    "RewardWeights",
    "export",
    "reward",
]
