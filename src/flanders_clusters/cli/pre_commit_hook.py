"""The entry of the pre-commit hooks (``.pre-commit-hooks.yaml``): a clusters command run
on each registry file pre-commit passes.

pre-commit calls ``python -m flanders_clusters.cli.pre_commit_hook COMMAND [OPTION]...
FILE...``: the hook's command (``validate``, ``fmt --check``), the ``args`` of the user's
configuration, then the files that matched. Each file is that command's
``--registry``, in turn; the hook fails (exit 1, or the gravest code) when one of them
does, and each command says what is wrong with which file, as it always does.
"""

from __future__ import annotations

import os
import sys


def split(args: list[str]) -> tuple[list[str], list[str]]:
    """The command with its options, and the files pre-commit appended (the trailing
    arguments that are files)."""
    cut = len(args)
    while cut > 1 and os.path.isfile(args[cut - 1]):
        cut -= 1
    return args[:cut], args[cut:]


def main(argv: list[str] | None = None) -> int:
    from .app import app

    command, files = split(list(sys.argv[1:] if argv is None else argv))
    worst = 0
    for path in files:
        try:
            app.main(["--registry", path, *command], prog_name="clusters")
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            worst = max(worst, code)
    return worst


if __name__ == "__main__":
    sys.exit(main())
