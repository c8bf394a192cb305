"""PDF tickets and lists (reportlab), Excel workbooks (openpyxl). No Qt here."""
