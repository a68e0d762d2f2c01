"""`python -m narrate` and the `narrate` command.

The command line is imported only when run: worker processes are spawned, and a
spawned process imports its parent's main module first, which then costs it
nothing.
"""


def run() -> None:
    """Run the command line."""
    from narrate.cli import main

    main()


if __name__ == "__main__":
    run()
