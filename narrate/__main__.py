"""`python -m narrate` runs the command line."""

from narrate.cli import main

main()
