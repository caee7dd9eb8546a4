"""meterpoint: energy meter readings, units, intervals and tariffs."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.4.0"
