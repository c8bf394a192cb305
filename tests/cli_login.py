"""The command line acts only as a user who proves it: tests that name ``--as LOGIN``
give that user's password on standard input (:data:`PASSWORD`, the one
:func:`tests.booking_factories.user` gives every user it makes)."""

from __future__ import annotations

from collections.abc import Sequence

from tests.booking_factories import PASSWORD


def proved(
    args: Sequence[str], input: str | None = None, *, password: str = PASSWORD
) -> tuple[list[str], str | None]:
    """``args`` with ``--password-stdin`` after ``--as LOGIN``, and the password first on
    standard input (when no other proof is given)."""
    arguments = list(args)
    if "--as" not in arguments or {"--password-stdin", "--token-file"} & set(arguments):
        return arguments, input
    at = arguments.index("--as") + 2
    arguments[at:at] = ["--password-stdin"]
    return arguments, password + "\n" + (input or "")
