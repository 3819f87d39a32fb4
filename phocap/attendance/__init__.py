"""Attendance (chuyên cần) and the dropout (bỏ học) early warning.

The pure parts (calendar, rates, score, spreadsheet parsing) import no Django so
that the synthetic benchmark measures the very code the pages run.
"""
