"""The desk's money screens: «Оплата» for a visit (take, list, refund, receipts), paying
several visits at once, the shift report's tab, bonus points."""
