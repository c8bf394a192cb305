"""The Schedule section: the day grid of doctors, the week view, the holding tray."""
