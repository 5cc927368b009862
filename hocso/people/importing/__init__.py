"""Staff lists from Excel or CSV files: read, check row by row, preview, then apply in one transaction.

(reading: bytes -> sheets of cells is hocso.core.uploads, shared by every reader of uploaded spreadsheets)
columns   the header row under title rows, merged and two-row headers, Vietnamese names with or without accents
cells     one cell -> a clean value or a message (dates, CCCD, gender, rank, phone)
rows      the data rows -> values and problems per row and column
resolve   unit and target group named in a cell, by code or name
planning  what each row would do against the database, with every service check
applying  the plan written with bulk statements, as the services would write it, audited
bulk      fast INSERT/UPDATE of many rows (executemany on SQLite, COPY on PostgreSQL)
engine    the entry points used by the web, the tasks and `hocso import_staff`
jobs      the web's two steps kept in ImportJob rows, inline or in background tasks
report    the error rows as .xlsx, the blank template
"""
