"""`python -m paybench` runs the CLI."""

from paybench.cli import main

main()
