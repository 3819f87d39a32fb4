"""loadunits: put the official units of both vintages into the database."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from phocap.register.models import AdministrativeUnit
from phocap.units import Vintage, registry


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính (trước và từ 01/7/2025) vào cơ sở dữ liệu."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        for vintage in Vintage:
            existing = set(
                AdministrativeUnit.objects.filter(vintage=vintage.value).values_list("code",
                                                                                     flat=True)
            )
            units = [u for u in registry(vintage) if u.code not in existing]
            by_code: dict[str, AdministrativeUnit] = {
                u.code: u for u in AdministrativeUnit.objects.filter(vintage=vintage.value)
            }
            for unit_type in ("province", "district", "commune"):
                batch = [
                    AdministrativeUnit(
                        vintage=vintage.value, code=u.code, name=u.name, type=u.type,
                        kind=u.kind, parent=by_code.get(u.parent_code) if u.parent_code else None,
                    )
                    for u in units if u.type == unit_type
                ]
                for created in AdministrativeUnit.objects.bulk_create(batch, batch_size=2000):
                    by_code[created.code] = created
            self.stdout.write(f"Danh mục {vintage.value}: thêm {len(units)} đơn vị.")
