"""The web kit: mechanisms every app's pages share, each in one small module (issue 13).

``years`` reads the year a page shows, ``downloads`` hands over CSV, XLSX and PDF
files, ``targets`` words a rate against its target. The kit imports the core and
nothing of the apps but register/audit.py (a download of people is logged), so
every app may use it. The permissions live in accounts/permissions.py, the
optimistic lock (StaleEdit, VersionedModel) in register/locking.py.
"""
