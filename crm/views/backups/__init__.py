"""The administrator's backups page and the status bar's warning about an old backup."""
