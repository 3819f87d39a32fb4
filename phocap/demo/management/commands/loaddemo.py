"""loaddemo: the Điện Biên demo district in the register, and a demo account per role.

    manage.py loaddemo [--seed 2021] [--year 2021] [--until 2023] [--people N]

The records are synthetic (phocap.synth, profile dien-bien-2021: about 126,000
people in 21 communes). Survey year 2021 is generated (calibrated on the
district's 2021–2022 report); 2022 and 2023 are the same population evolved
one school year at a time (phocap.synth.evolve), so the results pages show
trends. Each year is validated like any file, then imported through the same
bulk path as an officer's upload, one year per import, as a system action
(audit entries without a user). Each commune's especially-difficult flag comes
from the generated units file, for every year. One commune's file of the first
year is also written on its own (and a copy with one deliberate error) for
trying the import pages. Running it again changes nothing: the same seed gives
the same records, which the import finds unchanged.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from phocap import numbers
from phocap.accounts.models import Role, User
from phocap.attendance import demo as attendance_demo
from phocap.numbers import integer, school_year
from phocap.register import importing
from phocap.register.models import AdministrativeUnit, UnitYear
from phocap.schools import demo as schools_demo
from phocap.streaming import demo as streaming_demo
from phocap.survey.report import summary
from phocap.survey.validate import validate
from phocap.synth import get_profile, prepare
from phocap.synth.evolve import evolve_years
from phocap.synth.writer import UnitRow, units_path, write_parquet, write_units, write_xlsx
from phocap.units import vintage_for_year

PROFILE = "dien-bien-2021"
UNTIL = 2023
"""The last survey year loaded: the generated year, then the population evolved to this one."""
PASSWORD = "phocap-demo-2021"
"""One password for every demo account (long enough for the validators, not a common one)."""
# Username, role, and the unit it covers: the demo commune, its district or its province.
ACCOUNTS: tuple[tuple[str, Role, str | None], ...] = (
    ("xa", Role.COMMUNE_STAFF, "commune"),
    ("truong", Role.SCHOOL_STAFF, "commune"),
    ("huyen", Role.DISTRICT_REVIEWER, "district"),
    ("tinh", Role.PROVINCE_REVIEWER, "province"),
    ("quantri", Role.PROVINCE_ADMIN, "province"),
    ("bo", Role.MINISTRY_VIEWER, None),
)


class Command(BaseCommand):
    help = "Nạp huyện mẫu Điện Biên 2021 (dữ liệu tổng hợp) và tài khoản mẫu cho mỗi vai trò."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2021, help="hạt giống ngẫu nhiên")
        parser.add_argument("--year", type=int, default=None, help="năm điều tra (mặc định 2021)")
        parser.add_argument("--until", type=int, default=UNTIL,
                            help=f"năm cuối: dân số sống tiếp đến năm này (mặc định {UNTIL})")
        parser.add_argument("--people", type=int, default=None,
                            help="số người (mặc định: quy mô thực tế, khoảng 131.000)")
        parser.add_argument("--output", type=Path, default=None,
                            help="thư mục ghi các tệp mẫu (mặc định var/demo)")

    def handle(self, *args: object, **options: Any) -> None:
        started = time.perf_counter()
        profile = get_profile(PROFILE)
        year = options["year"] or profile.default_year
        out = options["output"] or Path(settings.VAR_DIR) / "demo"
        out.mkdir(parents=True, exist_ok=True)
        vintage = vintage_for_year(year).value
        if not AdministrativeUnit.objects.filter(vintage=vintage).exists():
            call_command("loadunits", stdout=self.stdout)

        if profile.default_unit is None:
            raise CommandError(f"Hồ sơ {PROFILE} không có đơn vị mặc định.")
        run = prepare(profile.default_unit, year, profile, options["seed"], options["people"])
        table = pa.Table.from_batches(list(run.batches()))
        try:
            years = [table, *evolve_years(table, run.plans, profile, run.seed,
                                           max(options["until"] - year, 0))]
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        communes = {u.code: u for u in AdministrativeUnit.objects.filter(
            vintage=vintage, code__in=[r.code for r in run.units])}
        for records in years:
            self._load(records, run.units, communes, out)

        commune = communes[min(p.commune.code for p in run.plans if p.people > 0)]
        self._commune_files(table, commune, out)
        self._accounts(commune)
        surveyed = [int(records["survey_year"][0].as_py()) for records in years]
        self._schools(list(communes.values()), surveyed, options["seed"])
        took = numbers.decimal(numbers.exact(time.perf_counter() - started), 1)
        self.stdout.write(f"Xong trong {took} giây.")

    def _load(self, table: pa.Table, units: list[UnitRow],
              communes: dict[str, AdministrativeUnit], out: Path) -> None:
        """Write, validate and import one survey year; its ĐBKK flags from the units file."""
        started = time.perf_counter()
        year = int(table["survey_year"][0].as_py())
        district = out / f"huyen-{year}.parquet"
        write_parquet(district, table.to_batches())
        write_units(units_path(district), units)
        result = validate(district, year=year, keep_records=True)
        if not result.report.ok or result.records is None:
            raise CommandError(summary(result.report))

        terminal = self.stdout.isatty()

        def shown(done: int, total: int) -> None:
            if terminal:
                self.stdout.write(f"  đã ghi {integer(done)}/{integer(total)} người",
                                  ending="\r")

        # The demo's database is new and nobody uses it yet: one transaction per year.
        done = importing.load(result.records, progress=shown, alone=True)
        if terminal:
            self.stdout.write("")
        with transaction.atomic():
            for row in units:
                if row.type == "commune":
                    UnitYear.objects.update_or_create(
                        unit=communes[row.code], survey_year=year,
                        defaults={"especially_difficult": row.especially_difficult})
        self.stdout.write(
            f"Huyện mẫu {PROFILE}, năm {year}: {integer(len(done.new))} người mới,"
            f" {integer(len(done.changed))} thay đổi, {integer(done.unchanged)} không đổi"
            f" ({numbers.decimal(numbers.exact(time.perf_counter() - started), 1)} giây)."
        )

    def _schools(self, communes: list[AdministrativeUnit], years: list[int], seed: int) -> None:
        """The school side of the demo, built from the register: schools, classes and class
        lists for the last two school years, the destinations of their grade-9 pupils
        (read from the next survey year where there is one), and the latest school
        year's attendance. Each loader adds only what is missing, so a second run
        changes nothing."""
        for year in years[-2:]:
            started = time.perf_counter()
            made = schools_demo.load_demo(communes, year, seed)
            streamed = streaming_demo.load_demo(year, seed)
            self.stdout.write(
                f"Trường học năm học {school_year(year)}: {integer(made.get('schools', 0))}"
                f" trường mới, {integer(made.get('pupils', 0))} học sinh mới trong danh sách"
                f" lớp, {integer(streamed['destinations'])} hướng đi sau lớp 9"
                f" ({numbers.decimal(numbers.exact(time.perf_counter() - started), 1)} giây).")
        started = time.perf_counter()
        attended = attendance_demo.load_demo(years[-1], seed)
        self.stdout.write(
            f"Chuyên cần năm học {school_year(years[-1])}: {integer(attended['classes'])}"
            f" lớp, {integer(attended['class_days'])} ngày điểm danh"
            f" ({numbers.decimal(numbers.exact(time.perf_counter() - started), 1)} giây).")

    def _commune_files(self, table: pa.Table, commune: AdministrativeUnit, out: Path) -> None:
        """The demo commune's file, and a copy whose first person's sex is not nam or nữ."""
        own = table.filter(pc.equal(table["commune_code"], commune.code))
        good = out / f"{commune.code}.xlsx"
        write_xlsx(good, own.to_batches())
        sex = own["sex"].to_pylist()
        sex[0] = "không rõ"
        wrong = own.set_column(own.schema.get_field_index("sex"), "sex",
                               pa.array(sex, own.schema.field("sex").type))
        bad = out / f"{commune.code}-co-loi.xlsx"
        write_xlsx(bad, wrong.to_batches())
        self.stdout.write(f"Tệp của xã mẫu {commune.name}: {good}; bản có một lỗi: {bad}")

    def _accounts(self, commune: AdministrativeUnit) -> None:
        district = commune.parent
        province = district.parent if district is not None else None
        units = {"commune": commune, "district": district, "province": province, None: None}
        rows = []
        for username, role, level in ACCOUNTS:
            user, _ = User.objects.update_or_create(
                username=username, defaults={"role": role, "unit": units[level]})
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            unit = units[level]
            rows.append((username, str(role.label), unit.name if unit is not None else "—"))
        widths = [max(len(r[i]) for r in [("Tên đăng nhập", "Vai trò", "Đơn vị"), *rows])
                  for i in range(3)]
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {PASSWORD}):")
        for row in [("Tên đăng nhập", "Vai trò", "Đơn vị"), *rows]:
            self.stdout.write("  " + "  ".join(v.ljust(w) for v, w in zip(row, widths,
                                                                         strict=True)))
