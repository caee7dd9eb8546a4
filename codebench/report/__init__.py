"""Reports: the leaderboard schema and aggregation, run leaderboards, the results tables."""

from codebench.report.leaderboard import (
    Leaderboard,
    ModelEntry,
    build_leaderboard,
    load_leaderboard,
    write_leaderboard,
)
from codebench.report.runs import LEADERBOARD_FILE, PublishedLeaderboard, publish_run, republish
from codebench.report.table import analysis_summary_table, results_table

__all__ = [
    "LEADERBOARD_FILE",
    "Leaderboard",
    "ModelEntry",
    "PublishedLeaderboard",
    "analysis_summary_table",
    "build_leaderboard",
    "load_leaderboard",
    "publish_run",
    "republish",
    "results_table",
    "write_leaderboard",
]
