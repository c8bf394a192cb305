"""The notifications screens: outbox, call list, templates, channels."""
