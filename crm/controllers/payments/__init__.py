"""Paid services at the desk: payments and refunds, the visit's payment status, bonus
points, the receipt's data and the (not connected) fiscal register.

``money`` (amounts as typed → ``Decimal``) and ``status`` (paid / partly paid / unpaid /
refunded, computed in one place) are pure; ``bonus`` keeps the ledger and the manager's
rules; ``taking`` takes payments and refunds (the database refuses a refund over the
paid sum and a payment for a cancelled visit, migration 0009); ``receipts`` gathers
a receipt's data for :mod:`crm.reports.receipt`.
"""
