"""The dashboard: today and this week in charts and lists, refreshed live; beside them
each doctor's average rating over the last 90 days.

Any change notice (an appointment booked or cancelled on another desk, a referral,
the waiting list…) restarts a short timer; when it fires the dashboard reloads once,
so a burst of notices costs one query round, not one per notice.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.reports.dashboard import DashboardData, dashboard
from crm.views import AppContext

#: Notices are gathered this long before the dashboard reloads.
DEBOUNCE_MS = 1500


def _chart_view(title: str) -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(240)
    return chart, view


class DashboardView(QWidget):
    """Utilisation by specialty, no-shows, referrals about to expire, the waiting list.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        loaded(): fresh figures are shown (or the failure is).
    """

    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.data: DashboardData | None = None
        self._loading = False
        self._again = False
        # Notices while the dashboard is not on screen only mark it stale: it reloads
        # when shown again instead of querying for nobody.
        self._stale = True

        self.heading = QLabel()
        self.heading.setObjectName("dashboardHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.figures = QLabel()
        self.figures.setObjectName("dashboardFigures")
        self.notice_failures = QLabel()
        self.notice_failures.setObjectName("dashboardNoticeFailures")
        self.failure = QLabel()
        self.failure.setStyleSheet("color: #8e1b1b")
        self.failure.hide()

        self.load_chart, load_view = _chart_view(self.tr("Utilisation by specialty, %"))
        self.no_show_chart, no_show_view = _chart_view(self.tr("No-shows this week"))
        self.waiting_chart, waiting_view = _chart_view(self.tr("Waiting list by specialty"))
        self.expiring = QTableWidget(0, 4)
        self.expiring.setObjectName("expiringReferrals")
        self.expiring.setHorizontalHeaderLabels(
            [self.tr("Referral"), self.tr("Days left"), self.tr("Specialty"), self.tr("Patient")]
        )
        self.expiring.verticalHeader().hide()
        self.expiring.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.expiring.horizontalHeader().setStretchLastSection(True)
        self.expiring.setWordWrap(False)
        expiring_box = QVBoxLayout()
        self.expiring_title = QLabel(
            self.tr("Referrals about to expire (≤ 5 days, no appointment)")
        )
        expiring_box.addWidget(self.expiring_title)
        expiring_box.addWidget(self.expiring)

        self.ratings = QTableWidget(0, 4)
        self.ratings.setObjectName("doctorRatings")
        self.ratings.setHorizontalHeaderLabels(
            [self.tr("Doctor"), self.tr("Ratings"), self.tr("Average"), self.tr("≤ 2")]
        )
        self.ratings.verticalHeader().hide()
        self.ratings.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.ratings.setWordWrap(False)
        ratings_box = QVBoxLayout()
        ratings_box.addWidget(QLabel(self.tr("Doctors' ratings, 90 days")))
        ratings_box.addWidget(self.ratings)
        ratings_widget = QWidget()
        ratings_widget.setLayout(ratings_box)

        grid = QGridLayout()
        grid.addWidget(load_view, 0, 0)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        grid.addWidget(no_show_view, 0, 1)
        grid.addWidget(waiting_view, 1, 0)
        expiring_widget = QWidget()
        expiring_widget.setLayout(expiring_box)
        grid.addWidget(expiring_widget, 1, 1)
        grid.addWidget(ratings_widget, 0, 2, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.figures)
        top.addSpacing(12)
        top.addWidget(self.notice_failures)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.failure)
        layout.addLayout(grid, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        if context.events is not None:
            context.events.changed.connect(self._on_change)

    @property
    def busy(self) -> bool:
        """True while a reload runs or waits for its debounce."""
        return self._loading or self._debounce.isActive()

    def _on_change(self, _notice: dict) -> None:
        if self.isVisible():
            self._debounce.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Reload the figures (a reload asked for meanwhile runs once after this one)."""
        if self.context.runner.closed:
            return
        self._stale = False
        if self._loading:
            self._again = True
            return
        self._loading = True
        self.context.runner.submit(
            dashboard,
            self.context.database.sessions,
            self.context.actor,
            on_success=self._show,
            on_failure=self._failed,
            owner=self,
        )

    def _done(self) -> None:
        self._loading = False
        if self._again:
            self._again = False
            self.refresh()
        self.loaded.emit()

    def _failed(self, message: str) -> None:
        self.failure.setText(message)
        self.failure.show()
        self._done()

    def _show(self, data: DashboardData) -> None:
        self.data = data
        self.failure.hide()
        self.heading.setText(
            self.tr("Today {today}, week {start}–{end}").format(
                today=f"{data.today:%d.%m.%Y}",
                start=f"{data.week_from:%d.%m}",
                end=f"{data.week_to:%d.%m.%Y}",
            )
        )
        self.figures.setText(
            self.tr(
                "No-shows today: {today} · this week: {week} · waiting list: {waiting}"
                " · referrals about to expire: {expiring}"
            ).format(
                today=data.no_shows_today,
                week=data.no_shows_week,
                waiting=data.waiting_total,
                expiring=len(data.expiring),
            )
        )
        self.notice_failures.setText(
            self.tr("Notices not delivered today: {count}").format(count=data.notice_failures)
        )
        self.notice_failures.setStyleSheet("color: #8e1b1b" if data.notice_failures else "")
        self._show_load(data)
        self._show_no_shows(data)
        self._show_waiting(data)
        self._show_expiring(data)
        self._show_ratings(data)
        self._done()

    @staticmethod
    def _reset(chart: QChart) -> None:
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)

    def _bars(
        self, chart: QChart, series: QBarSeries | QHorizontalBarSeries, categories: list[str],
        top: float,
    ) -> None:  # fmt: skip
        chart.addSeries(series)
        labels = QBarCategoryAxis()
        labels.append(categories)
        if len(categories) > 6:
            # Many specialties: a smaller font keeps their names whole instead of «…».
            font = labels.labelsFont()
            font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
            labels.setLabelsFont(font)
        values = QValueAxis()
        values.setRange(0, max(top, 1))
        values.applyNiceNumbers()
        values.setLabelFormat("%d")
        left, bottom = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignBottom
        horizontal = isinstance(series, QHorizontalBarSeries)
        chart.addAxis(labels, left if horizontal else bottom)
        chart.addAxis(values, bottom if horizontal else left)
        series.attachAxis(labels)
        series.attachAxis(values)

    def _show_load(self, data: DashboardData) -> None:
        chart = self.load_chart
        self._reset(chart)
        today, week = QBarSet(self.tr("Today")), QBarSet(self.tr("This week"))
        top = 100.0
        for load in data.load:
            for bar, share in ((today, load.utilisation_today), (week, load.utilisation_week)):
                value = round((share or 0) * 100, 1)
                bar.append(value)
                top = max(top, value)
        series = QHorizontalBarSeries()
        series.append(today)
        series.append(week)
        self._bars(chart, series, [load.specialty for load in data.load], top)

    def _show_no_shows(self, data: DashboardData) -> None:
        chart = self.no_show_chart
        self._reset(chart)
        no_shows = QBarSet(self.tr("No-shows"))
        for day in data.no_shows:
            no_shows.append(day.no_shows)
        series = QBarSeries()
        series.append(no_shows)
        names = (
            self.tr("Mon"), self.tr("Tue"), self.tr("Wed"), self.tr("Thu"), self.tr("Fri"),
            self.tr("Sat"), self.tr("Sun"),
        )  # fmt: skip
        days = [names[d.day.weekday()] for d in data.no_shows]
        self._bars(chart, series, days, max((d.no_shows for d in data.no_shows), default=0))

    def _show_waiting(self, data: DashboardData) -> None:
        chart = self.waiting_chart
        self._reset(chart)
        entries = QBarSet(self.tr("Waiting"))
        for _name, count in data.waiting:
            entries.append(count)
        series = QHorizontalBarSeries()
        series.append(entries)
        self._bars(chart, series, [name for name, _ in data.waiting],
                   max((n for _, n in data.waiting), default=0))  # fmt: skip

    def _show_expiring(self, data: DashboardData) -> None:
        self.expiring.setRowCount(len(data.expiring))
        for row, referral in enumerate(data.expiring):
            values = (referral.number, str(referral.days_left), referral.specialty,
                      referral.patient)  # fmt: skip
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.expiring.setItem(row, column, item)
        self.expiring.resizeColumnsToContents()

    def _show_ratings(self, data: DashboardData) -> None:
        self.ratings.setRowCount(len(data.doctor_ratings))
        for row, rated in enumerate(data.doctor_ratings):
            name = rated.doctor if rated.doctor_id is not None else self.tr("Clinic")
            values = (name, str(rated.count), f"{rated.average:.2f}".replace(".", ","),
                      str(rated.low))  # fmt: skip
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if column == 3 and rated.low:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.ratings.setItem(row, column, item)
        self.ratings.resizeColumnsToContents()
