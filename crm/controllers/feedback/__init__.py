"""Patients' ratings (1–5) of a visit, a doctor or the clinic; a low one (≤ 2) waits
in a manager's queue until answered."""
