"""Plots for the page, as PNG bytes (matplotlib, no display needed)."""

from __future__ import annotations

import io

from codebench.report.leaderboard import ModelEntry


def _figure() -> tuple[object, object]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(6, 4), dpi=100)


def _png(fig: object) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.tight_layout()  # type: ignore[attr-defined]
    fig.savefig(buffer, format="png")  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    return buffer.getvalue()


def _scatter(points: list[tuple[str, float, float]], xlabel: str, ylabel: str) -> bytes:
    fig, ax = _figure()
    for label, x, y in points:
        ax.scatter([x], [y])  # type: ignore[attr-defined]
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)  # type: ignore[attr-defined]
    ax.set_xlabel(xlabel)  # type: ignore[attr-defined]
    ax.set_ylabel(ylabel)  # type: ignore[attr-defined]
    ax.grid(True, alpha=0.3)  # type: ignore[attr-defined]
    return _png(fig)


def resolved_vs_churn(models: list[ModelEntry]) -> bytes:
    """Resolved rate against mean out-of-scope churn."""
    points = [
        (
            m.model,
            m.analysis.overall.out_of_scope_churn or 0.0,
            m.resolved.overall.resolved_rate or 0.0,
        )
        for m in models
    ]
    return _scatter(points, "mean out-of-scope churn", "resolved rate")


def cost_vs_resolved(models: list[ModelEntry]) -> bytes:
    """Cost against resolved rate."""
    points = [(m.model, m.cost_usd, m.resolved.overall.resolved_rate or 0.0) for m in models]
    return _scatter(points, "cost (USD)", "resolved rate")


def local_vs_global(models: list[ModelEntry]) -> bytes:
    """Resolved rate on local and on global tasks, side by side per model."""
    fig, ax = _figure()
    positions = list(range(len(models)))
    local = [m.resolved.local.resolved_rate or 0.0 for m in models]
    global_ = [m.resolved.global_.resolved_rate or 0.0 for m in models]
    ax.bar([p - 0.2 for p in positions], local, width=0.4, label="local")  # type: ignore[attr-defined]
    ax.bar([p + 0.2 for p in positions], global_, width=0.4, label="global")  # type: ignore[attr-defined]
    ax.set_xticks(positions, [m.model for m in models], rotation=30, ha="right", fontsize=8)  # type: ignore[attr-defined]
    ax.set_ylabel("resolved rate")  # type: ignore[attr-defined]
    ax.legend()  # type: ignore[attr-defined]
    return _png(fig)


def trend(points: dict[str, list[tuple[str, float]]]) -> bytes:
    """Resolved rate night after night, one line per model (x: ISO dates)."""
    fig, ax = _figure()
    for label, series in sorted(points.items()):
        ax.plot([d for d, _ in series], [r for _, r in series], marker="o", label=label)  # type: ignore[attr-defined]
    ax.set_ylabel("resolved rate")  # type: ignore[attr-defined]
    ax.set_ylim(-0.05, 1.05)  # type: ignore[attr-defined]
    ax.legend(fontsize=7)  # type: ignore[attr-defined]
    ax.tick_params(axis="x", labelrotation=30, labelsize=7)  # type: ignore[attr-defined]
    return _png(fig)
