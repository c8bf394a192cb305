"""Errors the controllers raise; every message is ready to show to the user."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the action. ``message`` is translated; ``field`` names the bad input."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError):
    """Bad input in a named field."""


class PermissionDenied(DomainError):
    """The user's role may not do this."""


class NotFound(DomainError):
    """The record does not exist (any more)."""


class StaleRecord(DomainError):
    """The record was changed on another workstation since it was read."""


class LoginRefused(DomainError):
    """Login failed: wrong credentials, locked or inactive account."""
