"""Errors a user can cause and fix. The CLI catches MrrError once, prints it, and exits with its exit_code.

Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations


class MrrError(Exception):
    """Base of every error the user can fix; its message is shown as-is, one line per problem."""

    exit_code = 2


class InputError(MrrError):
    """The raw files do not fit the source contract (missing file or column, unreadable file...)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class BuildError(MrrError):
    """dbt build did not succeed; the message names the failing nodes. The published file is untouched."""


class UsageError(MrrError):
    """A bad argument (e.g. --as-of that is not a date) or a database that does not exist yet."""


class AccountingError(MrrError):
    """`mrr check`: some raw rows are not accounted for (raw != accepted + rejected + collapsed duplicates)."""
