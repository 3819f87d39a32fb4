"""Official report forms (XLSX) and the printable dossier (PDF), built from the engine.

Core package: never imports Django (tests/test_architecture.py).
"""
