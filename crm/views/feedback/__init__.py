"""Patients' ratings: the desk's rating dialog and the managers' «Отзывы» section."""
