"""Excel workbooks for managers' reports (openpyxl, write-only streaming)."""

from crm.reports.excel.model import Chart, Column, Kind, ReportDocument, Table, Total, Value
from crm.reports.excel.writer import ExportCancelled, write_workbook

__all__ = [
    "Chart",
    "Column",
    "ExportCancelled",
    "Kind",
    "ReportDocument",
    "Table",
    "Total",
    "Value",
    "write_workbook",
]
