from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "phocap.schools"
    verbose_name = "Trường học, giáo viên, học sinh"

    def ready(self) -> None:
        # The register (and recognition beside schools) reach what only the schools
        # know through the register's hooks (register/hooks.py), without importing it.
        from phocap.register import hooks
        from phocap.schools import conditions, establishments, scope

        hooks.school_conditions.provide(conditions.for_communes)
        hooks.unmet_conditions.provide(conditions.unmet)
        hooks.school_rows.provide(scope.school_rows)
        hooks.pin_school_staff.provide(conditions.pin_staff)
        hooks.release_school_staff.provide(conditions.release_staff)
        hooks.preschool_establishments.provide(establishments.for_communes)
