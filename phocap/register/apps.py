from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "phocap.register"
    verbose_name = "Sổ theo dõi phổ cập"

    def ready(self) -> None:
        # accounts, below the register, writes its entries to the register's audit
        # trail through its hook (accounts/hooks.py).
        from phocap.accounts import hooks
        from phocap.register import audit, lineage

        hooks.record_account.provide(audit.record_account)
        # What a new unit's staff read of the old units before 1 July 2025.
        hooks.history_units.provide(lineage.history_units)
        # The kinds of background work (imports, warming the pages) register themselves
        # (background.KINDS): every process, web or worker, knows them once Django is set up.
        # SQLite learns the search's folding function on each connection (register/search.py).
        from django.db.backends.signals import connection_created

        from phocap.register import jobs, warming  # noqa: F401
        from phocap.register.search import register_sqlite

        connection_created.connect(register_sqlite, dispatch_uid="phocap_fold")
