"""Registratura: the clinic front-desk CRM."""

__version__ = "0.1.0"
