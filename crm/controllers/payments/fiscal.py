"""The fiscal cash register (ККТ, 54-ФЗ) behind an interface: none is connected.

A clinic that takes cash or cards must send each payment to a fiscal register and
its fiscal data operator. This program does not do that yet: :func:`register`
answers with :class:`NotConnected`, whose status says «не подключена», and nothing
here ever makes up a fiscal sign, a shift number or a QR code of a fiscal receipt.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from crm.i18n import translate


class FiscalRegister(Protocol):
    """What a fiscal register driver will offer."""

    def status(self) -> str:
        """The register's state in words, for the receipt and the desk."""
        ...

    def connected(self) -> bool:
        """Whether payments can be sent to it."""
        ...

    def send(self, payment_id: int, amount: Decimal, method: str) -> str:
        """Register a payment; returns the fiscal document's number."""
        ...


class FiscalNotConnected(RuntimeError):
    """Raised by :meth:`NotConnected.send`: there is no register to send to."""


class NotConnected:
    """The only register today: none."""

    def status(self) -> str:
        """«не подключена»."""
        return translate("payments", "not connected")

    def connected(self) -> bool:
        """Never."""
        return False

    def send(self, payment_id: int, amount: Decimal, method: str) -> str:
        """Refuses: no fiscal data are invented."""
        raise FiscalNotConnected(self.status())


def register() -> FiscalRegister:
    """The clinic's fiscal register."""
    return NotConnected()
