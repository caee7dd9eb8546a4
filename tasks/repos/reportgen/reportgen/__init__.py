"""Plain-text report generator."""

VERSION = "1.4.2"
