"""The web kit: mechanisms every app's pages share, each in one small module (issue 13).

``years`` reads the year a page shows, ``targets`` words a rate against its target,
``empty`` words the empty state and a figure's coverage.
The kit imports the core and no app, so every app may use it. The mechanisms that
need an app live in the lowest app that has what they need: the permissions in
accounts/permissions.py; downloads (logged by the register's audit) in
register/downloads.py; the optimistic lock (StaleEdit, VersionedModel) in
register/locking.py.
"""
