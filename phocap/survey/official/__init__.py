"""The ministry's own files (pcgd.moet.gov.vn): read as they are, written back for upload.

layout.py is the template as data; workbook.py gives cells by absolute letter;
cells.py reads one person's row; reading.py recognises and reads a workbook
into the survey record (readers.read dispatches here); writing.py writes
records back. docs/official-files.md says what each column becomes.
"""
