"""PySide6 must not leak references to ``True``/``None`` when a signal reaches a Python slot.

PySide6 6.12.0 on Python 3.11 dropped a reference to ``True``/``None`` on every emit
of a signal connected to a Python callable; after a few hundred emits the
interpreter aborted with ``Fatal Python error: bool_dealloc`` (DESIGN.md, "Pin
PySide6 below 6.12"). This test emits a ``Signal(object, tuple)`` connected to a
lambda 10,000 times and checks the reference counts stay put. On the broken
release it either fails the assertion or kills the test process — both are loud.

On Python ≥ 3.12 ``True`` and ``None`` are immortal: ``sys.getrefcount`` reports
a fixed number whatever happens, so the count check passes trivially there and
the test only proves that every emit arrived. Run it on 3.11 to catch the bug.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal

EMITS = 10_000
TOLERANCE = 50  # unrelated allocations may take a few references; a leak takes 10,000


class Emitter(QObject):
    fired = Signal(object, tuple)


def test_emits_keep_true_and_none_refcounts_steady() -> None:
    emitter = Emitter()
    arrived = [0]
    emitter.fired.connect(lambda flag, extra: arrived.__setitem__(0, arrived[0] + 1))
    emitter.fired.emit(True, (None,))  # warm-up: first-call caches are not leaks
    gc.collect()
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)

    for _ in range(EMITS):
        emitter.fired.emit(True, (None,))

    gc.collect()
    true_after, none_after = sys.getrefcount(True), sys.getrefcount(None)
    assert arrived[0] == EMITS + 1
    assert abs(true_after - true_before) <= TOLERANCE, (true_before, true_after)
    assert abs(none_after - none_before) <= TOLERANCE, (none_before, none_after)
