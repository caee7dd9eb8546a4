"""codebench: a benchmark for models that edit code.

Kept import-light on purpose: heavy libraries (docker, openai, libcst) load inside the packages
that need them, so `import codebench` and `codebench --help` stay fast.
"""

__version__ = "0.1.0"

# Bumped whenever a change to the harness can change a result; part of every result's key.
HARNESS_VERSION = "3"
