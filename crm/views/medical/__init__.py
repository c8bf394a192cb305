"""The patient's medical card on the card: the «Медкарта» tab (documents)."""
