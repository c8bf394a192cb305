"""The Reports section: Excel reports for managers and the dashboard."""
