"""The rules of DOMAIN.md; the only code that opens a Session. No Qt here."""
