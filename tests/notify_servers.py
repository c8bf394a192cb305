"""Real servers on 127.0.0.1 for the notification tests: an aiosmtpd SMTP server that
keeps what it receives and a small HTTP server playing an SMS gateway."""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from crm.controllers.notifications.channels import SmtpSettings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping what it received."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(parsed)
        return "250 OK"


class Gateway:
    """An HTTP server answering the scripted statuses in turn (then 200), keeping requests."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[tuple[str | None, dict]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.requests.append((self.headers.get("Authorization"), body))
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                # A careless gateway that echoes the credentials in its error page.
                answer = f"error, auth was {self.headers.get('Authorization')}".encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, SmtpSettings]]:
    """An SMTP server (plain, no login) and the settings that reach it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, SmtpSettings("127.0.0.1", "clinic@example.org", port=port, security="none")
    finally:
        controller.stop()


def self_signed(directory: Path) -> Path:
    """A certificate (and key, in one PEM file) for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    path = directory / "smtp.pem"
    path.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )  # fmt: skip
    )
    return path


class Accounts:
    """An aiosmtpd authenticator knowing one login and password."""

    def __init__(self, login: str, password: str) -> None:
        self.login, self.password = login.encode(), password.encode()
        self.tries: list[bytes] = []

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.tries.append(auth_data.login)
        ok = (auth_data.login, auth_data.password) == (self.login, self.password)
        return AuthResult(success=ok, handled=False)


class _ImplicitTlsSmtp(SMTP):
    """aiosmtpd sees TLS only from STARTTLS; over SSL from the start the whole session is
    TLS, so AUTH need not wait for a STARTTLS (built without aiosmtpd's warning about
    that, which the tests' ``error`` filter would turn into a server that never answers)."""

    def __init__(self, handler, **kwargs) -> None:
        super().__init__(handler, **{**kwargs, "auth_require_tls": True})
        self._auth_require_tls = False


class _ImplicitTlsController(Controller):
    def factory(self) -> SMTP:
        return _ImplicitTlsSmtp(self.handler, **self.SMTP_kwargs)


@contextmanager
def secure_smtp_server(
    directory: Path, *, implicit_tls: bool, accounts: Accounts
) -> Iterator[tuple[Inbox, int, ssl.SSLContext]]:
    """An SMTP server with a login over TLS: STARTTLS required, or SSL from the start.
    Yields the inbox, the port and a client context trusting the server's certificate."""
    pem = self_signed(directory)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(pem)
    client_context = ssl.create_default_context(cafile=str(pem))
    inbox, port = Inbox(), free_port()
    options: dict = {"authenticator": accounts, "auth_required": True}
    if implicit_tls:
        options.update(ssl_context=server_context)
        controller: Controller = _ImplicitTlsController(inbox, hostname="127.0.0.1", port=port,
                                                        **options)  # fmt: skip
    else:
        options.update(tls_context=server_context, require_starttls=True)
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox, port, client_context
    finally:
        controller.stop()


class _FormApi:
    """An HTTP server on 127.0.0.1 taking form POSTs and answering JSON (an SMS provider's
    API): :meth:`answer` says what to answer; every form it was sent is kept."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.forms: list[dict[str, str]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers["Content-Length"])).decode()
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                api.forms.append(form)
                if api.statuses:  # a scripted HTTP failure first
                    status, body = api.statuses.pop(0), {"status": "ERROR"}
                else:
                    status, body = api.answer(self.path, form)
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str, form: dict[str, str]) -> tuple[int, dict]:
        raise NotImplementedError

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SmsRuServer(_FormApi):
    """SMS.ru's ``/sms/send`` (``json=1``): one known ``api_id``, the numbers in ``refused``
    refused (code 207), after the scripted HTTP statuses."""

    def __init__(self, api_id: str, *, refused: set[str] = frozenset(),
                 statuses: list[int] | None = None) -> None:  # fmt: skip
        self.api_id, self.refused = api_id, set(refused)
        super().__init__(statuses)

    def answer(self, path: str, form: dict[str, str]) -> tuple[int, dict]:
        if path != "/sms/send":
            return 404, {"status": "ERROR", "status_code": 211}
        if form.get("api_id") != self.api_id:
            return 200, {"status": "ERROR", "status_code": 200,
                         "status_text": "Неправильный api_id"}  # fmt: skip
        sms = {}
        for number in form.get("to", "").split(","):
            if number in self.refused:
                sms[number] = {
                    "status": "ERROR",
                    "status_code": 207,
                    "status_text": "На этот номер нельзя отправлять сообщения",
                }
            else:
                sms[number] = {"status": "OK", "status_code": 100,
                               "sms_id": f"000000-{len(self.forms)}"}  # fmt: skip
        return 200, {"status": "OK", "status_code": 100, "sms": sms, "balance": 4122.56}


class SmscServer(_FormApi):
    """SMSC.ru's ``/sys/send.php`` (``fmt=3``): one login and password; ``answers`` are
    ``error_code``s given in turn before a success (0: a success)."""

    def __init__(self, login: str, password: str, *, answers: list[int] | None = None) -> None:
        self.login, self.password = login, password
        self.answers = list(answers or [])
        super().__init__()

    def answer(self, path: str, form: dict[str, str]) -> tuple[int, dict]:
        texts = {2: "authorise error", 7: "invalid number", 9: "duplicate request, wait a minute"}
        if path != "/sys/send.php":
            return 404, {"error": "not found"}
        if (form.get("login"), form.get("psw")) != (self.login, self.password):
            return 200, {"error": texts[2], "error_code": 2}
        code = self.answers.pop(0) if self.answers else 0
        if code:
            return 200, {"error": texts.get(code, "error"), "error_code": code}
        return 200, {"id": len(self.forms), "cnt": 1}
