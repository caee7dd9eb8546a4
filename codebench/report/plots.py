"""Plots for the page, as PNG bytes (matplotlib, no display needed): each titled, its axes
labelled, models told apart by a legend (never by labels that overlap), rates with their
intervals."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from codebench.report.leaderboard import ModelEntry, ScopeStats

MARKERS = "osD^v<>pXh*"


@dataclass(frozen=True)
class TrendPoint:
    """One model's resolved rate on one night, its interval, and whether it regressed (fell
    below the previous night's interval on an unchanged suite)."""

    night: str  # YYYY-MM-DD
    rate: float
    low: float | None
    high: float | None
    regressed: bool = False


def _text(label: str) -> str:
    """A model's name as matplotlib draws it literally (`$` would start math text)."""
    return label.replace("$", r"\$")


def _figure(width: float = 7.0, height: float = 4.5) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), dpi=90)


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _errors(stats: list[ScopeStats]) -> list[list[float]]:
    """Asymmetric error bars (below, above) of each slice's rate; 0 where unknown."""
    below = [
        (s.resolved_rate - s.ci_low)
        if s.resolved_rate is not None and s.ci_low is not None
        else 0.0
        for s in stats
    ]
    above = [
        (s.ci_high - s.resolved_rate)
        if s.resolved_rate is not None and s.ci_high is not None
        else 0.0
        for s in stats
    ]
    return [below, above]


def _legend(ax: Any, count: int) -> None:
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), ncol=1 + count // 16)


def resolved_vs_churn(models: list[ModelEntry]) -> bytes:
    """Resolved rate (with interval) against mean out-of-scope churn; the ideal corner (no
    churn, everything resolved) marked. Models without an analysed patch are left out."""
    fig, ax = _figure()
    shown = [
        m
        for m in models
        if m.analysis.overall.out_of_scope_churn is not None
        and m.resolved.overall.resolved_rate is not None
    ]
    for n, m in enumerate(shown):
        stats = m.resolved.overall
        ax.errorbar(
            [m.analysis.overall.out_of_scope_churn],
            [stats.resolved_rate],
            yerr=_errors([stats]),
            fmt=MARKERS[n % len(MARKERS)],
            capsize=3,
            label=_text(m.model),
        )
    ax.scatter([0], [1], marker="*", s=250, color="gold", edgecolor="black", zorder=5)
    ax.annotate(
        "ideal: all resolved, no churn",
        (0, 1),
        xytext=(8, -14),
        textcoords="offset points",
        fontsize=8,
    )
    ax.set_xlim(left=-0.02)
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel("mean out-of-scope churn (lower is better)")
    ax.set_ylabel("resolved rate (95% interval)")
    ax.set_title("Resolved rate vs out-of-scope churn")
    ax.grid(True, alpha=0.3)
    if shown:
        _legend(ax, len(shown))
    return _png(fig)


def cost_vs_resolved(models: list[ModelEntry]) -> bytes | None:
    """Resolved rate against cost, for the models whose cost is known (above 0); None when
    no model's is."""
    priced = [m for m in models if m.cost_usd > 0 and m.resolved.overall.resolved_rate is not None]
    if not priced:
        return None
    fig, ax = _figure()
    for n, m in enumerate(priced):
        stats = m.resolved.overall
        ax.errorbar(
            [m.cost_usd],
            [stats.resolved_rate],
            yerr=_errors([stats]),
            fmt=MARKERS[n % len(MARKERS)],
            capsize=3,
            label=_text(m.model),
        )
    ax.set_xlim(left=0)
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel("cost of the run (USD)")
    ax.set_ylabel("resolved rate (95% interval)")
    ax.set_title("Resolved rate vs cost (models with a known price)")
    ax.grid(True, alpha=0.3)
    _legend(ax, len(priced))
    return _png(fig)


def local_vs_global(models: list[ModelEntry]) -> bytes:
    """Resolved rate on local and on global tasks per model, horizontal bars with intervals."""
    fig, ax = _figure(7.0, max(2.5, 0.45 * len(models) + 1.2))
    positions = list(range(len(models)))
    slices = (
        (-0.2, "local", [m.resolved.local for m in models]),
        (0.2, "global", [m.resolved.global_ for m in models]),
    )
    for offset, name, stats in slices:
        ax.barh(
            [p + offset for p in positions],
            [s.resolved_rate or 0.0 for s in stats],
            height=0.4,
            xerr=_errors(stats),
            capsize=2,
            label=name,
        )
    ax.set_yticks(positions, [_text(m.model) for m in models], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.05)
    ax.set_xlabel("resolved rate (95% interval)")
    ax.set_title("Local vs global tasks")
    ax.legend(fontsize=8, loc="lower right")
    return _png(fig)


def trend(points: dict[str, list[TrendPoint]]) -> bytes:
    """Resolved rate night after night: one line per model, the night's interval as a band,
    regressions ringed in red."""
    fig, ax = _figure(8.0, 4.5)
    nights = sorted({p.night for series in points.values() for p in series})
    where = {night: n for n, night in enumerate(nights)}
    ringed = False
    for n, (label, series) in enumerate(sorted(points.items())):
        shift = (n - len(points) / 2) * 0.03  # side by side: one line never hides another
        xs = [where[p.night] + shift for p in series]
        line = ax.plot(
            xs,
            [p.rate for p in series],
            marker=MARKERS[n % len(MARKERS)],
            linestyle=("-", "--", "-.", ":")[n % 4],
            label=_text(label),
        )[0]
        lows = [p.low if p.low is not None else p.rate for p in series]
        highs = [p.high if p.high is not None else p.rate for p in series]
        ax.fill_between(xs, lows, highs, color=line.get_color(), alpha=0.12)
        bad = [(x, p.rate) for x, p in zip(xs, series, strict=True) if p.regressed]
        if bad:
            label_ring = None if ringed else "regression"
            ringed = True
            ax.scatter(
                [x for x, _ in bad],
                [y for _, y in bad],
                s=160,
                facecolors="none",
                edgecolors="red",
                linewidths=2,
                zorder=5,
                label=label_ring,
            )
    ax.set_xticks(range(len(nights)), nights, rotation=30, ha="right", fontsize=7)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("night")
    ax.set_ylabel("resolved rate (95% interval band)")
    ax.set_title("Resolved rate, night after night (red ring: regression)")
    ax.grid(True, alpha=0.3)
    if points:
        _legend(ax, len(points))
    return _png(fig)
