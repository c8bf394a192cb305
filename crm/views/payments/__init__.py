"""The desk's money screens: payments, receipts, bonus points."""
