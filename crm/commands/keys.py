"""``clinic-crm key …``: the identity-document key file's own backup, under a passphrase.

A database backup never holds the key (only its fingerprint): without the key file the
patients' passports and СНИЛС in it cannot be read. ``key export`` writes the key
sealed with a passphrase (scrypt + AES-GCM, :func:`crm.crypto.seal_master_key`) to keep
apart from the backups; ``key import`` puts it back on a workstation.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from crm.commands.common import fail, friendly_errors, settings_of
from crm.controllers.access.keys import MIN_PASSPHRASE
from crm.i18n import translate


def _read_passphrase(*, confirm: bool) -> str:
    """From a prompt (twice when ``confirm``), or one line of standard input."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            fail(translate("keys", "no passphrase on standard input"))
        return line.rstrip("\r\n")
    try:
        value: str = click.prompt(
            translate("keys", "Passphrase"),
            hide_input=True,
            confirmation_prompt=translate("keys", "The passphrase again") if confirm else False,
        )
    except click.Abort:  # Ctrl+C or Ctrl+D at the prompt
        fail(translate("keys", "cancelled: no passphrase given"))
    return value


@click.group("key")
def key() -> None:
    """The identity-document key file: export, import, show."""


@key.command("show")
@click.pass_context
@friendly_errors
def key_show(ctx: click.Context) -> None:
    """Show where this workstation's key file is and its fingerprint."""
    from crm.crypto import load_key_file

    path = settings_of(ctx).key_file
    ring = load_key_file(path)
    click.echo(translate("keys", "{path}: fingerprint {fp}").format(path=path, fp=ring.fingerprint))


@key.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@friendly_errors
def key_export(ctx: click.Context, file: Path) -> None:
    """Write this workstation's key file, sealed with a passphrase, to FILE."""
    from crm.controllers.access.keys import write_sealed_key
    from crm.crypto import read_master_key

    key_file = settings_of(ctx).key_file
    read_master_key(key_file)  # a missing key fails before the passphrase is asked
    if file.exists():
        fail(translate("keys", "{path} already exists: choose another file").format(path=file))
    passphrase = _read_passphrase(confirm=True)
    if len(passphrase) < MIN_PASSPHRASE:
        fail(
            translate("keys", "the passphrase must be at least {n} characters long").format(
                n=MIN_PASSPHRASE
            )
        )
    fingerprint = write_sealed_key(key_file, file, passphrase)
    click.echo(
        translate(
            "keys",
            "Key exported to {path} (fingerprint {fp}). Keep it apart from the database "
            "backups, and the passphrase apart from both: a lost passphrase cannot be "
            "recovered.",
        ).format(path=file, fp=fingerprint)
    )


@key.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--replace",
    is_flag=True,
    help="Replace a different key file already on this workstation (it is kept aside).",
)
@click.pass_context
@friendly_errors
def key_import(ctx: click.Context, file: Path, replace: bool) -> None:
    """Put the key exported to FILE on this workstation (the passphrase is asked for)."""
    from crm.crypto import (
        KeyFileError,
        KeyRing,
        WrongPassphrase,
        load_key_file,
        open_sealed_key,
        sealed_fingerprint,
        write_key_file,
    )

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(translate("keys", "cannot read {path}: {error}").format(path=file, error=exc))
    try:
        sealed_fingerprint(text)
    except KeyFileError:
        fail(translate("keys", "{path} is not a key exported by this program").format(path=file))
    passphrase = _read_passphrase(confirm=False)
    try:
        master = open_sealed_key(text, passphrase)
    except WrongPassphrase:
        fail(
            translate(
                "keys",
                "the passphrase is wrong (or {path} was altered): the key was not imported",
            ).format(path=file)
        )
    target = settings_of(ctx).key_file
    if target.exists():
        try:
            present = load_key_file(target).fingerprint
        except KeyFileError:
            present = None
        imported = KeyRing.from_master(master).fingerprint
        if present == imported:
            click.echo(
                translate(
                    "keys", "{path} already holds this key (fingerprint {fp}): nothing to do"
                ).format(path=target, fp=imported)
            )
            return
        if not replace:
            fail(
                translate(
                    "keys",
                    "{path} already holds another key (fingerprint {present}; the imported "
                    "one is {imported}): add --replace to replace it (the old file is kept "
                    "aside)",
                ).format(path=target, present=present or "?", imported=imported)
            )
        aside = target.with_name(f"{target.name}.replaced-{dt.datetime.now():%Y%m%d-%H%M%S}")
        target.rename(aside)
        click.echo(translate("keys", "The old key file is kept as {path}").format(path=aside))
    ring = write_key_file(target, master)
    click.echo(
        translate(
            "keys",
            "Key imported into {path} (fingerprint {fp}); `clinic-crm db check` tells whether "
            "it is the database's key.",
        ).format(path=target, fp=ring.fingerprint)
    )


COMMANDS = (key,)
