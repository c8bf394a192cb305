"""The Patients section: the search page, the card editor and its conflict dialog.

- :mod:`.page` — one search box over all patients, results paged in SQL;
- :mod:`.search_model` — the results as a table model of plain ``PatientHit`` rows;
- :mod:`.card_windows` — the open card windows, one per patient;
- :mod:`.card_editor` and :mod:`.card_header` — a patient's card in a non-modal window;
- :mod:`.card_form`, :mod:`.fields` and :mod:`.form_rules` — the card's fields, masked
  inputs and live checks;
- :mod:`.card_tabs` and :mod:`.tab_models` — appointments, referrals, history, consents;
- :mod:`.conflict_dialog` — two desks saved one card: choose field by field;
- :mod:`.message_bar` and :mod:`.labels` — the message strip and the section's words.
"""
