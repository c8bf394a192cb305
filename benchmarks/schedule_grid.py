"""Schedule grid benchmarks: a day of 60 doctors × 12 hours (2,880 slots), 2,000 appointments.

Registered in :mod:`benchmarks.run` as ``grid`` (``--only grid``); each figure is printed
beside a raw baseline measured in the same run:

- load: ``load_grid`` + the grid's layout against the bare SQL of the same rows;
- paint: one full repaint of the grid at 1920×1080 (offscreen, into an image, with the
  text caches emptied: the first paint, the worst case) against painting as many plain
  rectangles with texts as there are visible slots;
- drop: a drop → the controller commits → the grid repainted with the
  reloaded column, on the same desk, against the bare controller call;
- live: another desk commits → listener → partial reload → repainted (with the
  shipped 100 ms debounce, and again with it off), against a bare LISTEN/NOTIFY
  round trip.

The clinic is written once per server with plain SQL and shared by the figures.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import psycopg  # noqa: E402
from PySide6.QtCore import QEventLoop, QPointF, QRectF, Qt, QTimer  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QPainter,
)
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from benchmarks.common import Figure, median_ms, migrated  # noqa: E402
from crm.config import Settings  # noqa: E402
from crm.controllers.access import auth
from crm.controllers.schedule import booking
from crm.db.database import Database  # noqa: E402
from crm.db.engine import make_engine, make_session_factory  # noqa: E402
from crm.db.listener import conninfo_from_url  # noqa: E402
from crm.models.enums import Role  # noqa: E402
from crm.views import AppContext  # noqa: E402
from crm.views.events import ChangeEvents  # noqa: E402
from crm.views.runner import DbRunner  # noqa: E402
from crm.views.schedule.grid import ScheduleGrid, appointment_mime  # noqa: E402
from crm.views.schedule.grid_labels import PreparedLabels  # noqa: E402
from crm.views.schedule.layout import Cell, GridColumn, GridLayout  # noqa: E402
from crm.views.schedule.page import SchedulePage, day_columns, load_and_prepare  # noqa: E402
from tests.pg import TestServer  # noqa: E402

DOCTORS, APPOINTMENTS = 60, 2_000
OPENS, CLOSES = 8, 20  # 12 hours: 48 slots a doctor, 2,880 in all
WIDTH, HEIGHT = 1920, 1080
MOSCOW = ZoneInfo("Europe/Moscow")


@dataclass
class _Clinic:
    url: str
    day: dt.date
    db: sessionmaker
    actor: object


_clinics: dict[int, _Clinic] = {}


def _app() -> QApplication:
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication([])


def _clinic(server: TestServer) -> _Clinic:
    """The benchmark clinic on ``server`` (written on first use)."""
    if id(server) in _clinics:
        return _clinics[id(server)]
    url = migrated(server)
    day = dt.datetime.now(MOSCOW).date() + dt.timedelta(days=10)  # movable (24-hour rule)
    rng = random.Random(3)
    with psycopg.connect(conninfo_from_url(url)) as conn:
        conn.execute("INSERT INTO branch (id, name, address) VALUES (1, 'Центр', 'Москва')")
        for n in range(1, 13):
            conn.execute(
                "INSERT INTO specialty (id, code, name) VALUES (%s, %s, %s)",
                (n, f"s{n}", f"Специальность {n:02d}"),
            )
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO room (id, branch_id, number) VALUES (%s, 1, %s)",
                [(n, str(100 + n)) for n in range(1, DOCTORS + 1)],
            )
            cur.executemany(
                "INSERT INTO doctor (id, last_name, first_name, patronymic, specialty_id,"
                " branch_id, default_room_id) VALUES (%s, %s, 'Анна', 'Петровна', %s, 1, %s)",
                [(n, f"Врачова{n:02d}", 1 + n % 12, n) for n in range(1, DOCTORS + 1)],
            )
            cur.executemany(
                "INSERT INTO schedule_template (doctor_id, weekday, starts, ends, valid_from,"
                " works_on_holidays) VALUES (%s, %s, %s, %s, '2020-01-01', true)",
                [
                    (n, weekday, dt.time(OPENS), dt.time(CLOSES))
                    for n in range(1, DOCTORS + 1)
                    for weekday in range(1, 8)
                ],
            )
            cur.executemany(
                "INSERT INTO patient (id, last_name, first_name, birth_date, phone)"
                " VALUES (%s, %s, 'Иван', '1980-05-17', %s)",
                [(n, f"Пациентов{n}", f"+7916{n:07d}") for n in range(1, APPOINTMENTS + 1)],
            )
            slots = [(d, s) for d in range(1, DOCTORS + 1) for s in range((CLOSES - OPENS) * 4)]
            chosen = rng.sample(slots, APPOINTMENTS)
            start = dt.datetime.combine(day, dt.time(OPENS), tzinfo=MOSCOW)
            cur.executemany(
                "INSERT INTO appointment (doctor_id, patient_id, room_id, starts_at, ends_at,"
                " kind) VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (d, p, d, start + dt.timedelta(minutes=15 * s),
                     start + dt.timedelta(minutes=15 * s + 15),
                     rng.choice(("paid", "follow_up")))
                    for p, (d, s) in enumerate(chosen, start=1)
                ],
            )  # fmt: skip
        conn.commit()
    engine = make_engine(url, pool_size=4)
    db = make_session_factory(engine)
    auth.add_user(db, "bench", "bench-password", Role.REGISTRAR, "Бенчмарк")
    actor = auth.login(db, "bench", "bench-password", "bench")
    clinic = _Clinic(url, day, db, actor)
    _clinics[id(server)] = clinic
    return clinic


def bench_load(server: TestServer) -> Figure:
    """What a load costs: ``load_grid`` and the labels prepared beside it on the runner's
    thread, then the layout; against the bare SQL of the doctors and appointments."""
    c = _clinic(server)

    _app()
    grid = ScheduleGrid()
    grid.resize(WIDTH, HEIGHT)
    labels = grid.label_request()
    columns_of = functools.partial(day_columns, day=c.day)

    def full() -> None:
        data, _labels = load_and_prepare(
            c.db, c.actor, c.day, c.day, labels=labels, columns_of=columns_of
        )
        columns = [GridColumn(d, c.day) for d in data.doctors]
        GridLayout(columns, data.appointments, ZoneInfo(data.timezone)).fit(WIDTH)

    bounds = (
        dt.datetime.combine(c.day, dt.time(), tzinfo=MOSCOW),
        dt.datetime.combine(c.day + dt.timedelta(days=1), dt.time(), tzinfo=MOSCOW),
    )
    with psycopg.connect(conninfo_from_url(c.url)) as conn:

        def bare() -> None:
            conn.execute(
                "SELECT d.id, d.last_name, d.first_name, d.patronymic, s.name, b.name, r.number"
                " FROM doctor d JOIN specialty s ON s.id = d.specialty_id"
                " JOIN branch b ON b.id = d.branch_id LEFT JOIN room r ON r.id = d.default_room_id"
                " WHERE d.active ORDER BY s.name, d.last_name"
            ).fetchall()
            conn.execute(
                "SELECT a.*, p.last_name, p.first_name, p.patronymic, p.birth_date, p.phone"
                " FROM appointment a JOIN patient p ON p.id = a.patient_id"
                " WHERE a.starts_at < %s AND a.ends_at > %s"
                " AND a.status NOT IN ('cancelled', 'rescheduled')",
                (bounds[1], bounds[0]),
            ).fetchall()

        full()
        bare()
        value, baseline = median_ms(full, 15), median_ms(bare, 15)
    return Figure(
        f"grid data: load + labels + layout ({DOCTORS}×{APPOINTMENTS})", value, baseline,
        "bare SQL of doctors + appointments", "ms",
    )  # fmt: skip


def _grid(c: _Clinic) -> tuple[ScheduleGrid, PreparedLabels]:
    _app()
    grid = ScheduleGrid()
    grid.resize(WIDTH, HEIGHT)
    data, labels = load_and_prepare(
        c.db, c.actor, c.day, c.day, labels=grid.label_request(),
        columns_of=functools.partial(day_columns, day=c.day),
    )  # fmt: skip
    grid.learn_labels(labels)
    grid.set_content(
        [GridColumn(d, c.day) for d in data.doctors], data.appointments, ZoneInfo(data.timezone)
    )
    grid.verticalScrollBar().setValue(grid.verticalScrollBar().maximum() // 3)
    return grid, labels


def bench_paint(server: TestServer) -> list[Figure]:
    """Full repaints at 1920×1080 against plain rectangles and texts, one per visible slot.

    Three figures: the whole widget (frame, both scroll bars, header, times, cells) as at
    its first paint after the application starts and loads a day: every cache empty but
    the labels the load prepared on the runner's thread (taking them is timed);
    the whole widget with everything cached (any later full repaint); and the cells'
    viewport alone, cached, which is what a scroll or a reload of a column repaints.
    """
    c = _clinic(server)
    grid, labels = _grid(c)
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)

    def first_paint() -> None:
        grid.learn_labels(labels)
        grid.render(image)

    def viewport() -> None:
        grid.viewport().render(image)

    layout, m = grid.grid_layout, grid.grid_layout.metrics
    columns = len(layout.column_range(0, WIDTH - m.time_width))
    rows = len(layout.row_range(0, HEIGHT - m.header_height))
    cells = [
        QRectF(m.time_width + x * layout.column_width, m.header_height + y * m.row_height,
               layout.column_width, m.row_height)
        for x in range(columns) for y in range(rows)
    ]  # fmt: skip
    font = grid.font()

    def plain() -> None:
        painter = QPainter(image)
        painter.setFont(font)
        for rect in cells:
            painter.fillRect(rect, QColor("#d9e9fb"))
            painter.drawRect(rect)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "Пациентов1234 И. · ОМС")
        painter.end()

    first_paint()
    plain()
    cold = median_ms(first_paint, 31, before=grid._painter.forget)
    warm = median_ms(viewport, 31)
    whole = median_ms(lambda: grid.render(image), 31)
    baseline = median_ms(plain, 31)
    grid.deleteLater()
    shown = f"{columns}×{rows} slots"
    plain_name = f"{len(cells)} plain rects + texts (QPainter)"
    return [
        Figure(f"repaint {WIDTH}×{HEIGHT}, whole widget, 1st ({shown})", cold, baseline,
               plain_name, "ms"),
        Figure(f"repaint {WIDTH}×{HEIGHT}, whole widget, cached", whole, baseline,
               plain_name, "ms"),
        Figure(f"repaint {WIDTH}×{HEIGHT}, cells, cached", warm, baseline, plain_name,
               "ms"),
    ]  # fmt: skip


def _wait(signal, timeout_ms: int = 10_000) -> None:  # noqa: ANN001
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def _page(c: _Clinic, events: ChangeEvents | None) -> tuple[SchedulePage, DbRunner]:
    _app()
    runner = DbRunner()
    settings = Settings(c.url, "flag", Path("bench.key"), "bench")
    engine = c.db.kw["bind"]
    database = Database(url=c.url, engine=engine, sessions=c.db)
    context = AppContext(settings, database, c.actor, runner, events)  # type: ignore[arg-type]
    page = SchedulePage(context)
    page.resize(WIDTH, HEIGHT)
    page.show()
    page.day = c.day
    page.activate()
    _wait(page.loaded)
    while not runner.idle:
        _wait(runner.finished, 1000)
    return page, runner


def _free_move(grid: ScheduleGrid, rng: random.Random) -> tuple[int, int, int, dt.datetime]:
    """An appointment and a free slot of the same doctor: (id, version, doctor, start)."""
    layout = grid.grid_layout
    while True:
        placement = rng.choice(layout.placements)
        column = placement.column
        free = [r for r in range(layout.rows) if layout.is_working(column, r)
                and layout.is_free(column, r)]  # fmt: skip
        if free:
            a = placement.appointment
            return a.id, a.version, a.doctor_id, layout.slot_start(Cell(column, rng.choice(free)))


def bench_drop(server: TestServer) -> Figure:
    """Drop → reschedule committed → the column reloaded and repainted, on the same desk."""
    c = _clinic(server)
    page, runner = _page(c, None)
    grid, rng = page.grid, random.Random(5)

    def one_drop() -> None:
        appointment_id, _version, doctor_id, start = _free_move(grid, rng)
        cell = grid.grid_layout.cell_of((doctor_id, c.day), start)
        point = grid.cell_center(cell)
        mime = appointment_mime(grid.appointment(appointment_id))
        args = (Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier)  # fmt: skip
        QApplication.sendEvent(grid.viewport(), QDragEnterEvent(point, *args))
        QApplication.sendEvent(grid.viewport(), QDragMoveEvent(point, *args))
        QApplication.sendEvent(grid.viewport(), QDropEvent(QPointF(point), *args))
        _wait(page.loaded)
        grid.viewport().repaint()

    def bare_call() -> None:
        appointment_id, version, doctor_id, start = _free_move(grid, rng)
        booking.reschedule(c.db, c.actor, appointment_id, starts_at=start, doctor_id=doctor_id,
                           expected_version=version)  # fmt: skip

    value = median_ms(one_drop, 21)
    samples = []
    for _ in range(21):
        started = time.perf_counter()
        bare_call()
        samples.append((time.perf_counter() - started) * 1000)
        page.refresh()  # keep the grid's picture true for the next pick (not timed)
        _wait(page.loaded)
    runner.shutdown()
    page.deleteLater()
    return Figure(
        "drop → committed → repainted (same desk)", value, statistics.median(samples),
        "bare booking.reschedule() call", "ms",
    )  # fmt: skip


def _bench_live(server: TestServer, debounce_ms: int | None) -> Figure:
    c = _clinic(server)
    events = ChangeEvents(c.url, poll_seconds=0.05)
    events.start()
    loop_until: Callable[[], bool] = lambda: events.connected is True  # noqa: E731
    while not loop_until():
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    page, runner = _page(c, events)
    if debounce_ms is not None:
        page._debounce.setInterval(debounce_ms)
    rng = random.Random(7)
    with psycopg.connect(conninfo_from_url(c.url), autocommit=True) as other_desk:

        def one_commit() -> None:
            appointment_id, version, doctor_id, start = _free_move(page.grid, rng)
            other_desk.execute(
                "UPDATE appointment SET starts_at = %s, ends_at = %s, version = version + 1"
                " WHERE id = %s AND version = %s",
                (start, start + dt.timedelta(minutes=15), appointment_id, version),
            )
            _wait(page.loaded)
            page.grid.viewport().repaint()

        value = median_ms(one_commit, 21)
    with (
        psycopg.connect(conninfo_from_url(c.url), autocommit=True) as sender,
        psycopg.connect(conninfo_from_url(c.url), autocommit=True) as receiver,
    ):
        receiver.execute("LISTEN bench_grid")

        def bare_round_trip() -> None:
            sender.execute("SELECT pg_notify('bench_grid', 'x')")
            next(receiver.notifies(timeout=10, stop_after=1))

        baseline = median_ms(bare_round_trip, 50)
    events.stop()
    runner.shutdown()
    page.deleteLater()
    label = f"{debounce_ms} ms debounce" if debounce_ms is not None else "100 ms debounce"
    return Figure(
        f"other desk: commit → repainted ({label})", value, baseline,
        "bare pg_notify → notifies()", "ms",
    )  # fmt: skip


def bench_live(server: TestServer) -> Figure:
    """Another desk's commit → listener → partial reload → repaint, as shipped."""
    return _bench_live(server, None)


def bench_live_nodebounce(server: TestServer) -> Figure:
    """The same without the debounce: what the round trip itself costs."""
    return _bench_live(server, 0)


def bench_schedule_grid(server: TestServer) -> list[Figure]:
    """Every figure of this module (``--only grid``)."""
    return [
        bench_load(server),
        *bench_paint(server),
        bench_drop(server),
        bench_live(server),
        bench_live_nodebounce(server),
    ]
