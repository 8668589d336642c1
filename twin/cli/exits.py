"""Exit statuses of the ``twin`` command, the same for every subcommand."""

#: Success: the run's expectations hold, the file is valid, the ledger is clean.
EXIT_OK = 0
#: The command worked but found a failure: an expectation or a ledger problem.
EXIT_FAILED = 1
#: Invalid input: a bad scenario file, option or path; nothing was run.
EXIT_INVALID = 2
#: Ctrl-C stopped the command (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130
