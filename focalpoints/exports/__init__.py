"""Contact exports: CSV, XLSX, vCard, mailing lists and a printable directory."""
