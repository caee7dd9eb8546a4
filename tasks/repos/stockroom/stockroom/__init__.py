"""stockroom: a small warehouse inventory application."""

__version__ = '0.4.1'
