"""``clinic-crm --no-demo`` on the embedded default: the clinic's own database, empty.

The start reaches the setup wizard (no user yet, no demo data), and the choice is
remembered in ``config.toml`` so that the next plain start opens the same clinic's
database and never loads the demo into it (issue 14, first start on an empty database).
These tests start the real built-in PostgreSQL server in the test's own data directory.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from crm.cli import main
from crm.config import data_dir, read_config_file, resolve
from crm.db import bootstrap
from crm.db.embedded import EmbeddedServer
from crm.models import Doctor, Patient, User
from crm.views.setup.wizard import SetupWizard


@pytest.fixture
def embedded_home() -> Iterator[None]:
    """Stop the built-in server this test started in its data directory."""
    yield
    pgdata = data_dir() / "pgdata"
    if (pgdata / "PG_VERSION").exists():
        EmbeddedServer(pgdata).stop()


def _databases(ready: bootstrap.Ready) -> set[str]:
    with ready.database.engine.connect() as connection:
        return set(connection.scalars(sa.text("SELECT datname FROM pg_database")))


def _counts(ready: bootstrap.Ready) -> dict[str, int]:
    with ready.database.sessions() as session:
        return {
            model.__name__: session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
            for model in (User, Doctor, Patient)
        }


@pytest.mark.usefixtures("embedded_home")
@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")  # offscreen
def test_no_demo_start_reaches_the_setup_wizard_on_an_empty_database(qtbot) -> None:
    from crm.views.startup import Startup

    startup = Startup(
        resolve(), prepare=functools.partial(bootstrap.prepare, own_clinic=True), listen=False
    )
    try:
        with qtbot.waitSignal(startup.setup_shown, timeout=180_000) as shown:
            startup.start()
        assert isinstance(shown.args[0], SetupWizard)
        ready = startup.ready
        assert ready is not None and ready.needs_setup
        assert not ready.demo_clinic and not ready.demo_loaded_now
        assert _counts(ready) == {"User": 0, "Doctor": 0, "Patient": 0}
        assert ready.database.url.split("?")[0].endswith("/" + bootstrap.OWN_CLINIC_DATABASE)
        assert startup.login_dialog is None and startup.main_window is None
    finally:
        startup.shutdown()


@pytest.mark.usefixtures("embedded_home")
def test_no_demo_is_remembered_so_the_next_plain_start_loads_no_demo() -> None:
    runner = CliRunner()
    empty = runner.invoke(main, ["--no-demo", "clinic", "show"])
    assert empty.exit_code != 0 and "не настроена" in empty.output, empty.output
    assert read_config_file().get("demo") is False and resolve().demo is False

    set_up = runner.invoke(
        main,
        ["--no-demo", "clinic", "set", "--name", "ООО «Клиника Первая»", "--short-name",
         "Первая", "--address", "г. Тверь, ул. Садовая, д. 7", "--timezone", "Europe/Moscow",
         "--admin-login", "chief"],
        input="Secret-pass-1\n",
    )  # fmt: skip
    assert set_up.exit_code == 0, set_up.output

    plain = runner.invoke(main, ["clinic", "show"])  # the next start, without the flag
    assert plain.exit_code == 0, plain.output
    assert "ООО «Клиника Первая»" in plain.output
    assert "Здоровье" not in plain.output and "demo" not in plain.output.lower()

    ready = bootstrap.prepare(resolve(), own_clinic=True, seed_demo=False)
    try:
        assert not ready.demo_clinic
        assert _counts(ready) == {"User": 1, "Doctor": 0, "Patient": 0}
        # The demo's database was never even created on the built-in server.
        assert bootstrap.OWN_CLINIC_DATABASE in _databases(ready)
        assert "registratura" not in _databases(ready)
    finally:
        ready.database.dispose()
