"""The analyzer's version: bumped whenever a metric's definition changes. Stored analyses and
on-disk per-repository caches of another version are recomputed."""

ANALYSIS_VERSION = 7
