"""Ticket printers: ESC/POS thermal printers (python-escpos) with a PDF fallback."""
