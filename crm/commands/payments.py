"""``clinic-crm payment``, ``receipt``, ``bonus`` and ``feedback``: paid services from the
command line (for integrations and tests).

``payment add APPOINTMENT_ID --amount 1500.50 --method cash|card|transfer|bonus``,
``payment refund PAYMENT_ID --amount … --reason …`` (a manager), ``payment show
APPOINTMENT_ID``; ``receipt PAYMENT_ID -o FILE.pdf``; ``bonus rules``, ``bonus correct``,
``bonus balance``; ``feedback add --rating N [--visit ID | --doctor ID] [--patient ID]``,
``feedback queue`` and ``feedback answer``. Each prints one line per result on stdout.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from crm.commands.common import as_option, command_line_actor, fail, friendly_errors, open_ready
from crm.i18n import translate

METHODS = ["cash", "card", "transfer", "bonus"]
AS_OPTION = as_option("Act as this user.")


def _run(ctx: click.Context, as_login: str | None, work: Callable[[Any, Any], Any]) -> Any:
    """``work(db, actor)`` on the configured database, then closed."""
    ready = open_ready(ctx)
    try:
        db = ready.database.sessions
        return work(db, command_line_actor(db, as_login))
    finally:
        ready.database.dispose()


def _visit_line(visit: Any) -> str:
    from crm.controllers.payments.money import rubles
    from crm.controllers.payments.status import status_title

    line = translate("payments", "visit {id}: {status}, kept {kept}").format(
        id=visit.appointment_id, status=status_title(visit.status), kept=rubles(visit.kept)
    )
    if visit.outstanding is not None:
        line += ", " + translate("payments", "left to pay {left}").format(
            left=rubles(visit.outstanding)
        )
    return line


def _payment_line(row: Any) -> str:
    from crm.controllers.payments.money import rubles
    from crm.controllers.payments.taking import method_title

    text = translate("payments", "payment {id}: {amount}, {method}").format(
        id=row.id, amount=rubles(row.amount), method=method_title(row.method)
    )
    if row.refund_of_id is not None:
        text += " " + translate("payments", "(refund of {of}: {reason})").format(
            of=row.refund_of_id, reason=row.reason
        )
    return text


@click.group("payment")
def payment() -> None:
    """Take payments and refunds for visits."""


@payment.command("add")
@click.argument("appointment_id", type=int)
@click.option("--amount", required=True, help="Roubles, at most two decimals: 1500.50")
@click.option("--method", type=click.Choice(METHODS), required=True, help="How it is paid.")
@AS_OPTION
@click.pass_context
@friendly_errors
def payment_add(
    ctx: click.Context, *, appointment_id: int, amount: str, method: str, as_login: str | None
) -> None:
    """Take a payment (all or part of the price) for an appointment's service."""
    from crm.controllers.payments import taking

    row = _run(
        ctx,
        as_login,
        lambda db, actor: taking.take_payment(
            db, actor, appointment_id=appointment_id, amount=amount, method=method
        ),
    )
    click.echo(f"{_payment_line(row)}; {_visit_line(row.visit)}")


@payment.command("refund")
@click.argument("payment_id", type=int)
@click.option("--amount", required=True, help="Roubles to return, at most what was paid.")
@click.option("--reason", required=True, help="Why the money is returned.")
@AS_OPTION
@click.pass_context
@friendly_errors
def payment_refund(
    ctx: click.Context, *, payment_id: int, amount: str, reason: str, as_login: str | None
) -> None:
    """Return (part of) a payment, with a reason (a manager)."""
    from crm.controllers.payments import taking

    row = _run(
        ctx,
        as_login,
        lambda db, actor: taking.refund(
            db, actor, payment_id=payment_id, amount=amount, reason=reason
        ),
    )
    click.echo(f"{_payment_line(row)}; {_visit_line(row.visit)}")


@payment.command("show")
@click.argument("appointment_id", type=int)
@AS_OPTION
@click.pass_context
@friendly_errors
def payment_show(ctx: click.Context, *, appointment_id: int, as_login: str | None) -> None:
    """A visit's payment status and its payments and refunds."""
    from crm.controllers.payments import taking

    visit, rows = _run(
        ctx, as_login, lambda db, actor: taking.visit_payments(db, actor, appointment_id)
    )
    click.echo(_visit_line(visit))
    for row in rows:
        click.echo(_payment_line(row))


@click.command("receipt")
@click.argument("payment_id", type=int)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="The PDF file to write.",
)  # fmt: skip
@AS_OPTION
@click.pass_context
@friendly_errors
def receipt(ctx: click.Context, *, payment_id: int, output: Path, as_login: str | None) -> None:
    """Write a payment's (or refund's) receipt to a PDF file (not a fiscal receipt)."""
    from crm.controllers.payments import receipts

    pdf = _run(ctx, as_login, lambda db, actor: receipts.receipt_pdf(db, actor, payment_id))
    try:
        output.write_bytes(pdf)
    except OSError as exc:
        fail(
            translate("payments", "cannot write {path}: {reason}").format(
                path=output, reason=exc.strerror or exc
            )
        )
    click.echo(output)


@click.group("bonus")
def bonus_group() -> None:
    """Bonus points: the rules, a patient's balance, corrections."""


@bonus_group.command("rules")
@click.option("--accrual", required=True, help="Points accrued, % of the money taken.")
@click.option("--max-share", required=True, help="Largest share of a price payable in points, %.")
@click.option("--expiry-days", required=True, help="Days accrued points may be spent.")
@AS_OPTION
@click.pass_context
@friendly_errors
def bonus_rules(
    ctx: click.Context, *, accrual: str, max_share: str, expiry_days: str, as_login: str | None
) -> None:
    """Set the bonus rules (a manager)."""
    from crm.controllers.payments import bonus

    rules = _run(
        ctx,
        as_login,
        lambda db, actor: bonus.set_rules(
            db,
            actor,
            accrual_percent=accrual,
            max_share_percent=max_share,
            expiry_days=expiry_days,
        ),  # fmt: skip
    )
    click.echo(
        translate(
            "payments", "accrual {a} %, at most {s} % in points, points live {d} days"
        ).format(a=rules.accrual_percent, s=rules.max_share_percent, d=rules.expiry_days)
    )


@bonus_group.command("correct")
@click.argument("patient_id", type=int)
@click.option("--points", type=int, required=True, help="Points to add (negative: take off).")
@click.option("--reason", required=True, help="Why.")
@AS_OPTION
@click.pass_context
@friendly_errors
def bonus_correct(
    ctx: click.Context, *, patient_id: int, points: int, reason: str, as_login: str | None
) -> None:
    """Correct a patient's points by hand, with a reason (a manager)."""
    from crm.controllers.payments import bonus

    left = _run(
        ctx,
        as_login,
        lambda db, actor: bonus.correct(
            db, actor, patient_id=patient_id, points=points, reason=reason
        ),
    )
    click.echo(translate("payments", "balance: {points} points").format(points=left))


@bonus_group.command("balance")
@click.argument("patient_id", type=int)
@AS_OPTION
@click.pass_context
@friendly_errors
def bonus_balance(ctx: click.Context, *, patient_id: int, as_login: str | None) -> None:
    """A patient's points and ledger (expired points are written off first)."""
    from crm.controllers.payments import bonus

    def work(db: Any, actor: Any) -> Any:
        bonus.expire(db, actor, patient_id=patient_id)
        return bonus.ledger(db, actor, patient_id)

    rows = _run(ctx, as_login, work)
    for row in rows:
        click.echo(
            f"{row.created_at:%d.%m.%Y}\t{bonus.kind_title(row.kind)}\t{row.delta:+d}\t{row.reason}"
        )
    click.echo(
        translate("payments", "balance: {points} points").format(points=sum(r.delta for r in rows))
    )


@click.group("feedback")
def feedback() -> None:
    """Patients' ratings of visits, doctors and the clinic."""


@feedback.command("add")
@click.option("--rating", required=True, help="1 to 5.")
@click.option("--visit", "appointment_id", type=int, help="The appointment rated.")
@click.option("--doctor", "doctor_id", type=int, help="The doctor rated (no visit).")
@click.option("--patient", "patient_id", type=int, help="Who rates.")
@click.option("--comment", help="What the patient said.")
@AS_OPTION
@click.pass_context
@friendly_errors
def feedback_add(
    ctx: click.Context,
    *,
    rating: str,
    appointment_id: int | None,
    doctor_id: int | None,
    patient_id: int | None,
    comment: str | None,
    as_login: str | None,
) -> None:
    """Record a rating; 2 or less goes to a manager's queue to answer."""
    from crm.controllers.feedback import ratings

    row = _run(
        ctx,
        as_login,
        lambda db, actor: ratings.record_feedback(
            db,
            actor,
            rating=rating,
            comment=comment,
            appointment_id=appointment_id,
            doctor_id=doctor_id,
            patient_id=patient_id,
        ),  # fmt: skip
    )
    click.echo(_feedback_line(row))


def _feedback_line(row: Any) -> str:
    text = translate("feedback", "rating {id}: {rating} of 5").format(id=row.id, rating=row.rating)
    if row.needs_answer:
        text += ", " + translate("feedback", "in the manager's queue")
    return text


@feedback.command("queue")
@AS_OPTION
@click.pass_context
@friendly_errors
def feedback_queue(ctx: click.Context, *, as_login: str | None) -> None:
    """Low ratings waiting for a manager's answer."""
    from crm.controllers.feedback import ratings

    for row in _run(ctx, as_login, ratings.manager_queue):
        click.echo(f"{_feedback_line(row)}\t{row.comment or ''}")


@feedback.command("answer")
@click.argument("feedback_id", type=int)
@click.option("--text", required=True, help="The manager's answer.")
@AS_OPTION
@click.pass_context
@friendly_errors
def feedback_answer(
    ctx: click.Context, *, feedback_id: int, text: str, as_login: str | None
) -> None:
    """Answer a rating (a manager); it leaves the queue."""
    from crm.controllers.feedback import ratings

    row = _run(ctx, as_login, lambda db, actor: ratings.answer(db, actor, feedback_id, text))
    click.echo(_feedback_line(row))


#: Registered by :mod:`crm.cli`.
COMMANDS = [payment, receipt, bonus_group, feedback]
