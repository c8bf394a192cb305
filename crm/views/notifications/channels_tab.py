"""«Каналы»: the administrator's settings of e-mail (SMTP) and SMS, quiet hours, rate limits,
and «Отправить тестовое сообщение» through the channel as typed.

Loading, saving and the test message run on the runner's worker; the window never waits.
The password and the token are never shown: an empty field keeps the stored one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.errors import FieldProblem, FormInvalid
from crm.controllers.notifications import trial
from crm.controllers.notifications.channel_settings import ChannelForm, ChannelSetup
from crm.controllers.notifications.visits import NoticeSettings
from crm.models.enums import NotificationChannel
from crm.views import AppContext
from crm.views.controls import mark_problems
from crm.views.patients.message_bar import MessageBar


class ChannelsTab(QWidget):
    """The channels' settings of the clinic, for an administrator.

    Signals:
        loaded(): the stored settings arrived.
        saved(object): the settings were stored (a :class:`ChannelSetup`).
        test_finished(object): the test message's :class:`~trial.TrialResult`, or the
            message of a refusal.
    """

    loaded = Signal()
    saved = Signal(object)
    test_finished = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = self.tr("Channels")
        self._context = context
        self.message = MessageBar()

        # --- e-mail
        self.smtp_host = self._edit("smtpHost", "smtp.yandex.ru")
        self.smtp_port = self._edit("smtpPort", "587")
        self.smtp_security = QComboBox()
        self.smtp_security.setObjectName("smtpSecurity")
        for key, title in (("starttls", self.tr("STARTTLS (port 587)")),
                           ("ssl", self.tr("SSL from the start (port 465)")),
                           ("none", self.tr("None (a server inside the clinic)"))):  # fmt: skip
            self.smtp_security.addItem(title, key)
        self.smtp_username = self._edit("smtpLogin", "clinic@example.org")
        self.smtp_password = self._edit("smtpPassword", "")
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.smtp_sender = self._edit("smtpSender", "clinic@example.org")
        self.email_rate = self._edit("emailPerMinute", self.tr("no limit"))
        email_box = QGroupBox(self.tr("E-mail (SMTP)"))
        email_form = QFormLayout(email_box)
        email_form.addRow(self.tr("SMTP server:"), self.smtp_host)
        email_form.addRow(self.tr("Port:"), self.smtp_port)
        email_form.addRow(self.tr("Security:"), self.smtp_security)
        email_form.addRow(self.tr("Login:"), self.smtp_username)
        email_form.addRow(self.tr("Password:"), self.smtp_password)
        email_form.addRow(self.tr("From:"), self.smtp_sender)
        email_form.addRow(self.tr("At most per minute:"), self.email_rate)

        # --- SMS
        self.sms_provider = QComboBox()
        self.sms_provider.setObjectName("smsProvider")
        for key, title in (("", self.tr("Off")), ("smsru", "SMS.ru"), ("smsc", "SMSC.ru"),
                           ("http_json", self.tr("Another gateway (HTTP POST JSON)"))):  # fmt: skip
            self.sms_provider.addItem(title, key)
        self.sms_url = self._edit("smsUrl", self.tr("the provider's own"))
        self.sms_token = self._edit("smsToken", "")
        self.sms_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.sms_sender = self._edit("smsSender", "Clinic")
        self.sms_sender.setMaxLength(11)
        self.sms_rate = self._edit("smsPerMinute", self.tr("no limit"))
        sms_box = QGroupBox(self.tr("SMS"))
        sms_form = QFormLayout(sms_box)
        sms_form.addRow(self.tr("Provider:"), self.sms_provider)
        sms_form.addRow(self.tr("Token (SMSC.ru: login:password):"), self.sms_token)
        sms_form.addRow(self.tr("Sender name:"), self.sms_sender)
        sms_form.addRow(self.tr("Gateway address:"), self.sms_url)
        sms_form.addRow(self.tr("At most per minute:"), self.sms_rate)

        # --- quiet hours
        self.quiet_from = self._edit("quietFrom", "21:00")
        self.quiet_to = self._edit("quietTo", "09:00")
        quiet_box = QGroupBox(self.tr("Quiet hours (clinic time)"))
        quiet_row = QHBoxLayout(quiet_box)
        quiet_row.addWidget(QLabel(self.tr("No SMS from")))
        quiet_row.addWidget(self.quiet_from)
        quiet_row.addWidget(QLabel(self.tr("until")))
        quiet_row.addWidget(self.quiet_to)
        quiet_row.addWidget(QLabel(self.tr("(equal times: SMS at any hour)")), 1)

        self.problem_label = QLabel()
        self.problem_label.setObjectName("channelProblems")
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("saveChannels")
        self.save_button.clicked.connect(self.save)

        # --- the test message
        self.test_channel = QComboBox()
        self.test_channel.setObjectName("testChannel")
        self.test_channel.addItem(self.tr("E-mail"), NotificationChannel.EMAIL.value)
        self.test_channel.addItem(self.tr("SMS"), NotificationChannel.SMS.value)
        self.test_to = self._edit("testTo", self.tr("an address or a phone number"))
        self.test_button = QPushButton(self.tr("Send a test message"))
        self.test_button.setObjectName("sendTest")
        self.test_button.clicked.connect(self.send_test)
        self.test_result = QLabel()
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)
        test_box = QGroupBox(self.tr("Test message"))
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_channel)
        test_row.addWidget(self.test_to, 1)
        test_row.addWidget(self.test_button)
        test_layout = QVBoxLayout(test_box)
        test_layout.addWidget(
            QLabel(
                self.tr(
                    "Sent through the channel as typed above (saved or not), to check it works."
                )
            )
        )
        test_layout.addLayout(test_row)
        test_layout.addWidget(self.test_result)  # fmt: skip

        self.edits: dict[str, QWidget] = {
            "smtp_host": self.smtp_host, "smtp_port": self.smtp_port,
            "smtp_security": self.smtp_security, "smtp_username": self.smtp_username,
            "smtp_password": self.smtp_password, "smtp_sender": self.smtp_sender,
            "email_per_minute": self.email_rate, "sms_provider": self.sms_provider,
            "sms_url": self.sms_url, "sms_token": self.sms_token, "sms_sender": self.sms_sender,
            "sms_per_minute": self.sms_rate, "quiet_from": self.quiet_from,
            "quiet_to": self.quiet_to, "to": self.test_to,
        }  # fmt: skip

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        boxes = QHBoxLayout()
        boxes.addWidget(email_box, 1)
        boxes.addWidget(sms_box, 1)
        layout.addLayout(boxes)
        layout.addWidget(quiet_box)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(test_box)
        layout.addStretch(1)
        self.refresh()

    def _edit(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    # --- loading --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the stored settings again (on the worker)."""
        self._context.runner.submit(
            trial.load_screen, self._context.database.sessions,
            on_success=self._show, on_failure=lambda m: self.message.show_message("error", m),
            owner=self,
        )  # fmt: skip

    def _show(self, loaded: tuple[ChannelSetup, NoticeSettings]) -> None:
        setup, chosen = loaded
        self.smtp_host.setText(setup.smtp_host)
        self.smtp_port.setText(str(setup.smtp_port))
        self.smtp_security.setCurrentIndex(max(self.smtp_security.findData(setup.smtp_security), 0))
        self.smtp_username.setText(setup.smtp_username)
        self.smtp_sender.setText(setup.smtp_sender)
        self.email_rate.setText(str(setup.email_per_minute or ""))
        self.sms_provider.setCurrentIndex(max(self.sms_provider.findData(setup.sms_provider), 0))
        self.sms_url.setText(setup.sms_url)
        self.sms_sender.setText(setup.sms_sender)
        self.sms_rate.setText(str(setup.sms_per_minute or ""))
        self.smtp_password.clear()
        self.sms_token.clear()
        stored = self.tr("stored — type to replace")
        self.smtp_password.setPlaceholderText(stored if setup.smtp_password_set else "")
        self.sms_token.setPlaceholderText(stored if setup.sms_token_set else "")
        self.quiet_from.setText(f"{chosen.quiet_from:%H:%M}")
        self.quiet_to.setText(f"{chosen.quiet_to:%H:%M}")
        self.loaded.emit()

    def form(self) -> ChannelForm:
        """The channels as typed."""
        return ChannelForm(
            smtp_host=self.smtp_host.text(), smtp_port=self.smtp_port.text(),
            smtp_security=str(self.smtp_security.currentData()),
            smtp_username=self.smtp_username.text(), smtp_password=self.smtp_password.text(),
            smtp_sender=self.smtp_sender.text(),
            sms_provider=str(self.sms_provider.currentData() or ""),
            sms_url=self.sms_url.text(), sms_token=self.sms_token.text(),
            sms_sender=self.sms_sender.text(), email_per_minute=self.email_rate.text(),
            sms_per_minute=self.sms_rate.text(),
        )  # fmt: skip

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        """«Save»: checked by the controller, every bad field named; nothing typed is lost."""
        self.show_problems([])
        context = self._context
        self.save_button.setEnabled(False)
        context.runner.submit(
            trial.save_screen, context.database.sessions, context.actor, context.keyring,
            self.form(), quiet_from=self.quiet_from.text(), quiet_to=self.quiet_to.text(),
            on_success=self._saved, on_error=self._refused, owner=self,
        )  # fmt: skip

    def _saved(self, stored: tuple[ChannelSetup, NoticeSettings]) -> None:
        self.save_button.setEnabled(True)
        self._show(stored)
        self.message.show_message("done", self.tr("The channels are saved."))
        self.saved.emit(stored[0])

    def _refused(self, error: BaseException, message: str) -> None:
        self.save_button.setEnabled(True)
        self.test_button.setEnabled(True)
        if isinstance(error, FormInvalid):
            self.show_problems(list(error.problems))
        elif getattr(error, "field", None) in self.edits:
            self.show_problems([FieldProblem(error.field, message)])  # type: ignore[attr-defined]
        else:
            self.message.show_message("error", message)
        self.test_finished.emit(message)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Mark the bad fields and say what is wrong with each."""
        mark_problems(self.edits, self.problem_label, problems)

    # --- the test message -----------------------------------------------------------------

    def send_test(self) -> None:
        """«Send a test message» to what is typed, through the channel as typed (on the worker)."""
        self.show_problems([])
        context = self._context
        self.test_button.setEnabled(False)
        self.test_result.setText(self.tr("Sending…"))
        self.test_result.setStyleSheet("")
        context.runner.submit(
            trial.send_trial, context.database.sessions, context.actor, context.keyring,
            self.form(), channel=NotificationChannel(self.test_channel.currentData()),
            to=self.test_to.text(),
            on_success=self._tested, on_error=self._test_refused, owner=self,
        )  # fmt: skip

    def _tested(self, result: trial.TrialResult) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setText(result.message)
        self.test_result.setStyleSheet("color: #2e7d32;" if result.ok else "color: #c62828;")
        self.test_finished.emit(result)

    def _test_refused(self, error: BaseException, message: str) -> None:
        self.test_result.setText(message)
        self.test_result.setStyleSheet("color: #c62828;")
        self._refused(error, message)
