"""`python -m codebench` = the `codebench` command."""

from codebench.cli import main

main()
