"""Command line interface, run as ``python3 -m meterpoint.cli``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime

from meterpoint import aggregation, csvio, intervals, readings, tariffs, units


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser.

    Returns
    -------
    argparse.ArgumentParser
        A parser with the ``summary``, ``cost`` and ``convert`` commands.
    """
    parser = argparse.ArgumentParser(prog="meterpoint", description="Energy meter data tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    summary = commands.add_parser("summary", help="total and peak of a readings CSV")
    summary.add_argument("path", help="readings CSV file")
    summary.add_argument("--unit", default="kWh", choices=["Wh", "kWh", "MWh"])
    summary.add_argument("--minutes", type=int, default=intervals.DEFAULT_MINUTES)
    summary.add_argument("--since", help="start of the period, excluded")
    summary.add_argument("--until", help="end of the period, included")

    cost = commands.add_parser("cost", help="price a readings CSV with a tariff")
    cost.add_argument("path", help="readings CSV file")
    cost.add_argument("--tariff", required=True, help="bands, e.g. 00:00-07:00@9.5,07:00-00:00@28")
    cost.add_argument("--minutes", type=int, default=intervals.DEFAULT_MINUTES)
    cost.add_argument("--since", help="start of the period, excluded")
    cost.add_argument("--until", help="end of the period, included")

    convert = commands.add_parser("convert", help="convert an amount of energy")
    convert.add_argument("value", type=float)
    convert.add_argument("from_unit")
    convert.add_argument("to_unit")
    convert.add_argument("--decimals", type=int, default=3)
    return parser


def _period(args: argparse.Namespace) -> tuple[datetime | None, datetime | None]:
    """Parse the ``--since`` and ``--until`` options."""
    since = readings.parse_timestamp(args.since) if args.since else None
    until = readings.parse_timestamp(args.until) if args.until else None
    return since, until


def _load(args: argparse.Namespace) -> list[readings.Reading]:
    """Load the readings file and keep the requested period."""
    since, until = _period(args)
    return aggregation.filter_period(csvio.load_readings(args.path), since, until)


def run_summary(args: argparse.Namespace) -> None:
    """Print the number of readings, the total and the peak interval."""
    series = _load(args)
    total = units.convert(aggregation.total_kwh(series), "kWh", args.unit)
    print(f"readings: {len(series)}")
    print(f"total: {units.format_energy(total, args.unit)}")
    peak = aggregation.peak_interval(aggregation.interval_totals(series, args.minutes))
    if peak is None:
        print("peak: none")
        return
    end, energy = peak
    energy_text = units.format_energy(energy, "kWh")
    demand = aggregation.demand_kw(energy, args.minutes)
    print(f"peak: {end:%Y-%m-%d %H:%M} ({energy_text}, {demand:.3f} kW)")


def run_cost(args: argparse.Namespace) -> None:
    """Print the cost of the readings per band and in total."""
    tariff = tariffs.Tariff.parse(args.tariff)
    series = _load(args)
    breakdown = tariffs.cost_by_band(series, tariff, args.minutes)
    for band, amount in breakdown.items():
        print(f"{band}: {amount:.2f}")
    print(f"total: {sum(breakdown.values()):.2f}")


def run_convert(args: argparse.Namespace) -> None:
    """Print an amount of energy converted to another unit."""
    converted = units.convert(args.value, args.from_unit, args.to_unit)
    print(units.format_energy(converted, args.to_unit, args.decimals))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line interface.

    Parameters
    ----------
    argv : Sequence[str] or None, optional
        Arguments without the program name; ``sys.argv[1:]`` if None.

    Returns
    -------
    int
        0 on success, 1 if the input could not be used.
    """
    args = build_parser().parse_args(argv)
    handlers = {"summary": run_summary, "cost": run_cost, "convert": run_convert}
    try:
        handlers[args.command](args)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
