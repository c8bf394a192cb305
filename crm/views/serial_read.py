"""One read at a time: the lists that reload on change notices and on their filters.

A list asks again while its read is on the runner (a notice arrives, a filter
changes): the second request waits, runs once when the first answers, and the first
answer — stale by then — is not shown. A failure is shown, then the waiting request
runs. Nothing is asked once the runner is closed (the program is closing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from crm.views import AppContext

#: ``(function, positional arguments, keyword arguments)`` of the read to run now.
Query = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class SerialRead:
    """Runs a list's read on the runner, one at a time, the latest request winning.

    Args:
        context: the logged-in user's context (its runner runs the reads).
        owner: the widget the answers belong to (skipped once it is deleted).
        query: builds the read from the widget's state when the read starts.
        on_result: shows an answer.
        on_failure: shows a failure's message.
    """

    def __init__(
        self,
        context: AppContext,
        owner: QObject,
        query: Callable[[], Query],
        on_result: Callable[[Any], None],
        on_failure: Callable[[str], None],
    ) -> None:
        self._context = context
        self._owner = owner
        self._query = query
        self._on_result = on_result
        self._on_failure = on_failure
        self.loading = False
        self._again = False

    def request(self) -> None:
        """Read now, or once the read under way has answered."""
        if self._context.runner.closed:
            return
        if self.loading:
            self._again = True
            return
        self.loading = True
        function, args, kwargs = self._query()
        self._context.runner.submit(
            function, *args, on_success=self._answered, on_failure=self._failed,
            owner=self._owner, **kwargs,
        )  # fmt: skip

    def _answered(self, result: Any) -> None:
        self.loading = False
        if self._again:  # asked again meanwhile: this answer is already stale
            self._again = False
            self.request()
            return
        self._on_result(result)

    def _failed(self, message: str) -> None:
        self.loading = False
        self._on_failure(message)
        if self._again:
            self._again = False
            self.request()
