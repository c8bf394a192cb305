"""The desk's payments: «Оплата» for a visit (take, list, refund, receipts), paying
several visits at once, and the shift report's tab."""
