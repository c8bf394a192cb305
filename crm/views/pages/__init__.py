"""The main window's pages: one module each (the feature subpackages grow from here).

A page is a plain ``QWidget`` with two optional hooks the main window calls:
``activate()`` when the page comes to the front, and ``refresh()`` on F5.
"""

from __future__ import annotations

from typing import Protocol


class PageHooks(Protocol):
    """What the main window may call on a page (both are optional)."""

    def activate(self) -> None:
        """The page came to the front."""

    def refresh(self) -> None:
        """The user asked for fresh data (F5)."""
