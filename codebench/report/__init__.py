"""Reports: the leaderboard schema and aggregation, and the results table."""

from codebench.report.leaderboard import (
    Leaderboard,
    ModelEntry,
    build_leaderboard,
    load_leaderboard,
    write_leaderboard,
)
from codebench.report.table import analysis_summary_table, results_table

__all__ = [
    "Leaderboard",
    "ModelEntry",
    "analysis_summary_table",
    "build_leaderboard",
    "load_leaderboard",
    "results_table",
    "write_leaderboard",
]
