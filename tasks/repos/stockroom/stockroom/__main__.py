"""Entry point for ``python -m stockroom``."""

import sys

import stockroom.cli as cli_mod

sys.exit(cli_mod.main())
