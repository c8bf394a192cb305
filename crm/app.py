"""The desktop program: QApplication, translations, the qasync loop and the start-up flow.

``crm.cli`` calls :func:`run_gui` when ``clinic-crm`` runs without a subcommand.
qasync's ``QEventLoop`` becomes the asyncio loop while the window is up, so later
features may ``await loop.run_in_executor(...)``; the foundation itself is driven
by Qt signals (see :mod:`crm.views.runner`), which is what lets pytest-qt test it.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import signal
import sys

import qasync
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from crm.config import APP_NAME, Settings
from crm.db import bootstrap
from crm.paths import resources_dir
from crm.views.i18n import install_translations
from crm.views.startup import Startup

log = logging.getLogger(__name__)

ORGANISATION = "Registratura"


def create_application(settings: Settings) -> QApplication:
    """The QApplication with names, language and style set (reused if one exists)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    install_translations(app, settings.lang)
    # Qt appends the display name to window titles ("Вход — Регистратура").
    app.setApplicationDisplayName(QCoreApplication.translate("app", "Registratura"))
    # The start-up flow hands over between windows and decides itself when to quit.
    app.setQuitOnLastWindowClosed(False)
    style = resources_dir() / "styles" / "app.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def _quit_on_signals(app: QApplication) -> None:
    """Quit cleanly (stopping the embedded server) on SIGTERM, SIGHUP and Ctrl+C.

    Python runs signal handlers only between bytecodes, and Qt's loop runs in C++:
    a light timer gives the interpreter a moment every half second.
    """

    def request_quit(signum: int, _frame: object) -> None:
        log.info("signal %s: quitting", signum)
        app.exit(128 + signum)

    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, request_quit)
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(500)


def _collect_garbage_on_the_gui_thread(app: QApplication) -> None:
    """Run Python's cycle collector only on the GUI thread.

    Left automatic, it runs on whichever thread allocates — the runner's worker too —
    and may delete a widget caught in a reference cycle there while the GUI thread
    paints it (a segfault; Anki's Qt front end does the same for the same reason).
    """
    gc.disable()
    timer = QTimer(app)
    timer.timeout.connect(lambda: gc.collect(0))
    timer.start(1_000)
    full = QTimer(app)
    full.timeout.connect(gc.collect)
    full.start(30_000)


def run_gui(settings: Settings, *, own_clinic: bool = False) -> int:
    """Run the desktop program until the user quits; returns the exit code.

    ``own_clinic`` (``--no-demo``): on the built-in server, the clinic's own database.
    """
    app = create_application(settings)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    startup = Startup(settings, prepare=functools.partial(bootstrap.prepare, own_clinic=own_clinic))
    startup.finished.connect(app.exit)
    _quit_on_signals(app)
    _collect_garbage_on_the_gui_thread(app)
    startup.start()
    try:
        with loop:
            code = loop.run_forever()
    finally:
        startup.shutdown()
        asyncio.set_event_loop(None)
    return int(code or 0)
