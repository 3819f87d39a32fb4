"""loaddemo: the Điện Biên demo district in the register, and a demo account per role.

    manage.py loaddemo [--seed 2021] [--year 2021] [--until 2025] [--people N]

The records are synthetic (phocap.synth, profile dien-bien-2021: about 126,000
people in 21 communes). Survey year 2021 is generated (calibrated on the
district's 2021–2022 report); 2022 to 2024 are the same population evolved
one school year at a time (phocap.synth.evolve), so the results pages show
trends. Each year is validated like any file, then imported through the same
bulk path as an officer's upload, one year per import, as a system action
(audit entries without a user). Each commune's especially-difficult flag comes
from the generated units file, for every year.

Survey year 2025 is kept by the communes of 1 July 2025 (Decrees 142/2025 and
143/2025): the 21 communes went whole into eight new communes of Tỉnh Điện
Biên. As an office would, the demo first opens 2025 of each new commune from
its predecessors' 2024 registers (register/crossing.py: the people continue
under the new commune, promoted a class), then imports the evolved 2025 file,
written under the new communes (phocap.synth.reform), on top: the import finds
the carried people and records only what the year changed. The new communes'
ĐBKK flags follow the majority of their people (synth/reform.py says why).

The school side covers the last two school years (the 2025 schools belong to
the new communes), attendance the latest. The demo accounts: after the line
"xa" and "truong" belong to the new commune that received the demo commune,
"tinh" and "quantri" to the province of the new list; "huyen" keeps the
district, whose years end in 2024; "dieutra", a surveyor of the commune "xa"
holds, has a village of the newest year's survey round (rounds/demo.py). One file
of the demo account's commune for the latest year is also written on its own (and a
copy with one deliberate error) for trying the import pages. Running it again
changes nothing: the same seed gives the same records, which the import finds
unchanged (the years an old commune carried on take no file any more, and are left
as they are).

Like every change, the imports queue the warming of each commune's pages and
those above it (register/warming.py): the worker that `make demo` starts beside
the server computes them, so that the district's pages open warm; loaddemo
itself spends no time on it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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
from phocap.register import crossing as register_crossing
from phocap.register import importing, lineage
from phocap.register.carry import carry_accounts
from phocap.register.freezing import carried_on
from phocap.register.models import AdministrativeUnit, PersonYear, UnitYear
from phocap.rounds import demo as rounds_demo
from phocap.schools import demo as schools_demo
from phocap.streaming import demo as streaming_demo
from phocap.survey.report import summary
from phocap.survey.validate import Result, validate
from phocap.synth import Run, get_profile, prepare
from phocap.synth.evolve import Lineage, evolve
from phocap.synth.reform import Crossing, crossing, units_after
from phocap.synth.writer import UnitRow, units_path, write_parquet, write_units, write_xlsx
from phocap.units import vintage_for_year

PROFILE = "dien-bien-2021"
UNTIL = lineage.FIRST_YEAR_AFTER
"""The last survey year loaded: the generated year, then the population evolved to this one
(the first year under the communes of 1 July 2025, the latest the demo can reach)."""
PASSWORD = "phocap-demo-2021"
"""One password for every demo account (long enough for the validators, not a common one)."""
# Username, role, and the unit it covers: the demo commune (from 2025 the new commune that
# received it), the old district, or the province of the latest year's list.
ACCOUNTS: tuple[tuple[str, Role, str | None], ...] = (
    ("xa", Role.COMMUNE_STAFF, "commune"),
    ("truong", Role.SCHOOL_STAFF, "commune"),
    ("huyen", Role.DISTRICT_REVIEWER, "district"),
    ("tinh", Role.PROVINCE_REVIEWER, "province"),
    ("quantri", Role.PROVINCE_ADMIN, "province"),
    ("bo", Role.MINISTRY_VIEWER, None),
)


@dataclass(frozen=True)
class Year:
    """One survey year of the demo: its records, units file and communes in the register."""

    records: pa.Table
    units: list[UnitRow]
    communes: dict[str, AdministrativeUnit]
    checked: Result | None
    """Its file written and validated, or None for a year of old communes a new commune has
    carried on: it takes no file any more (freezing.carried_on)."""

    @property
    def year(self) -> int:
        return int(self.records["survey_year"][0].as_py())


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
        until = options["until"]
        if until > UNTIL:
            raise CommandError(f"Dữ liệu mẫu đến năm {UNTIL} là hết (--until tối đa {UNTIL}).")
        out = options["output"] or Path(settings.VAR_DIR) / "demo"
        out.mkdir(parents=True, exist_ok=True)
        if not AdministrativeUnit.objects.filter(vintage=lineage.NEW).exists():
            call_command("loadunits", stdout=self.stdout)

        if profile.default_unit is None:
            raise CommandError(f"Hồ sơ {PROFILE} không có đơn vị mặc định.")
        run = prepare(profile.default_unit, year, profile, options["seed"], options["people"])
        years: list[Year] = []
        try:
            with ThreadPoolExecutor(max_workers=1) as worker:
                for loaded in self._years(run, until, out, worker):
                    self._load(loaded)
                    years.append(loaded)
        except ValueError as exc:
            raise CommandError(str(exc)) from None

        first, last = years[0], years[-1]
        demo = first.communes[min(p.commune.code for p in run.plans if p.people > 0)]
        crossed = last.year >= lineage.FIRST_YEAR_AFTER
        self._accounts(demo, crossed)
        commune = User.objects.get(username="xa").unit
        assert commune is not None  # the demo commune, or the new commune it went into
        self._commune_files(last.records, commune, out)
        self._schools(years[-2:], options["seed"])
        took = numbers.decimal(numbers.exact(time.perf_counter() - started), 1)
        self.stdout.write(f"Xong trong {took} giây.")

    def _years(self, run: Run, until: int, out: Path,
               worker: ThreadPoolExecutor) -> Iterator[Year]:
        """Each survey year from the run's to ``until``, evolved from the one before, its file
        written and validated; the first year after the line opened in the register from the
        year before (once the caller has loaded that), then written under the new communes.

        While the caller imports a year (Python writing to the database), ``worker`` evolves
        and validates the next one: that is Polars, which releases the GIL, so the two run
        side by side. The worker never touches the database: what it needs of the register
        (the communes, whether a year was carried on) is read here first."""
        communes = self._communes(run.year, _codes(run.units))
        records = pa.Table.from_batches(list(run.batches()))
        current = Year(records, run.units, communes,
                       _checked(records, run.units, out, self._carried(communes)))
        lived: Lineage | None = None
        crossed: Crossing | None = None
        for following in range(run.year + 1, until + 1):
            units = current.units
            if following == lineage.FIRST_YEAR_AFTER:
                crossed = crossing(run.plans)
                difficult = {p.commune.code: p.especially_difficult for p in run.plans}
                units = units_after(current.records, difficult, crossed)
            communes = self._communes(following, _codes(units))
            ahead = worker.submit(_evolved, current.records, run, lived, crossed, units, out,
                                  self._carried(communes))
            yield current
            if following == lineage.FIRST_YEAR_AFTER:
                assert crossed is not None  # made above for this year
                self._cross(current, crossed)
            records, lived, checked = ahead.result()
            current = Year(records, units, communes, checked)
        yield current

    @staticmethod
    def _carried(communes: dict[str, AdministrativeUnit]) -> bool:
        """Whether a new commune has carried on any of these old communes (their year then
        takes no file: freezing.carried_on)."""
        return any(carried_on(c) for c in communes.values())

    @staticmethod
    def _communes(year: int, codes: Sequence[str]) -> dict[str, AdministrativeUnit]:
        """The register's communes of ``codes`` in the list of ``year``."""
        return {u.code: u for u in AdministrativeUnit.objects.filter(
            vintage=vintage_for_year(year).value, code__in=codes)}

    def _cross(self, last: Year, crossed: Crossing) -> None:
        """Open the first year after the line of each new commune from the old communes'
        records of ``last`` (register/crossing.py), as the system; a new commune opened
        already (a second run) is left as it is."""
        started = time.perf_counter()
        codes = sorted({c.code for c in crossed.communes.values()})
        made = villages = households = 0
        for unit in self._communes(lineage.FIRST_YEAR_AFTER, codes).values():
            if PersonYear.objects.filter(person__household__commune=unit,
                                         survey_year=lineage.FIRST_YEAR_AFTER).exists():
                continue
            done = register_crossing.cross(None, unit, last.year)
            made, villages = made + done.people, villages + done.villages
            households += done.households
        self.stdout.write(
            f"Sắp xếp đơn vị hành chính 01/7/2025: {len(codes)} xã mới nhận {integer(villages)}"
            f" thôn, {integer(households)} hộ, {integer(made)} người từ năm {last.year}"
            f" ({numbers.decimal(numbers.exact(time.perf_counter() - started), 1)} giây).")

    def _load(self, loaded: Year) -> None:
        """Import one survey year, validated by ``_years``; its ĐBKK flags from the units file.

        A year of old communes a new commune has carried on takes no file any more
        (freezing.carried_on): on a second run it is left as it was loaded."""
        started = time.perf_counter()
        year, units, communes, result = loaded.year, loaded.units, loaded.communes, loaded.checked
        if result is None:
            self.stdout.write(f"Huyện mẫu {PROFILE}, năm {year}: đã chuyển sang các xã mới"
                              " từ 01/7/2025, giữ nguyên.")
            return
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

    def _schools(self, years: Sequence[Year], seed: int) -> None:
        """The school side of the demo, built from the register: schools, classes and class
        lists for the last two school years (each year's under the communes that kept it),
        the destinations of their grade-9 pupils (read from the next survey year where
        there is one), and the latest school year's attendance. Each loader adds only
        what is missing, so a second run changes nothing."""
        for loaded in years:
            started = time.perf_counter()
            made = schools_demo.load_demo(list(loaded.communes.values()), loaded.year, seed)
            streamed = streaming_demo.load_demo(loaded.year, seed)
            self.stdout.write(
                f"Trường học năm học {school_year(loaded.year)}: {integer(made.get('schools', 0))}"
                f" trường mới, {integer(made.get('pupils', 0))} học sinh mới trong danh sách"
                f" lớp, {integer(streamed['destinations'])} hướng đi sau lớp 9"
                f" ({numbers.decimal(numbers.exact(time.perf_counter() - started), 1)} giây).")
        started = time.perf_counter()
        latest = years[-1].year
        attended = attendance_demo.load_demo(latest, seed)
        self.stdout.write(
            f"Chuyên cần năm học {school_year(latest)}: {integer(attended['classes'])}"
            f" lớp, {integer(attended['class_days'])} ngày điểm danh"
            f" ({numbers.decimal(numbers.exact(time.perf_counter() - started), 1)} giây).")

    def _commune_files(self, table: pa.Table, commune: AdministrativeUnit, out: Path) -> None:
        """The demo account's commune's file of the latest year, and a copy whose first
        person's sex is not nam or nữ."""
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

    def _accounts(self, demo: AdministrativeUnit, crossed: bool) -> None:
        """The demo accounts, made on the units of the demo's first year (the demo commune,
        its district and province; the ministry's on none) and, once the demo has crossed
        1 July 2025, carried across as an office carries them (register/carry.py: the
        commune's and school's to the new commune that received the demo commune, the
        province's to the new province, the district's kept as history only). An account
        made before keeps its unit, so a second run changes nothing."""
        district = demo.parent
        province = district.parent if district is not None else None
        units = {"commune": demo, "district": district, "province": province, None: None}
        for username, role, level in ACCOUNTS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"role": role, "unit": units[level]})
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        if crossed:
            carry_accounts()
        # The commune's surveyor, made by its staff on the commune they hold now, with the
        # newest year's survey round (rounds/demo.py).
        rounds_demo.load(User.objects.get(username="xa"), PASSWORD)
        rows = []
        for username, role, _level in (*ACCOUNTS, (rounds_demo.USERNAME, Role.SURVEYOR,
                                                   "commune")):
            user = User.objects.select_related("unit").get(username=username)
            unit = user.unit
            rows.append((username, str(role.label), "—" if unit is None else unit.name
                         + (" (chỉ xem lịch sử)" if user.history_only else "")))
        widths = [max(len(r[i]) for r in [("Tên đăng nhập", "Vai trò", "Đơn vị"), *rows])
                  for i in range(3)]
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {PASSWORD}):")
        for row in [("Tên đăng nhập", "Vai trò", "Đơn vị"), *rows]:
            self.stdout.write("  " + "  ".join(v.ljust(w) for v, w in zip(row, widths,
                                                                         strict=True)))


def _codes(units: Sequence[UnitRow]) -> list[str]:
    return [r.code for r in units if r.type == "commune"]


def _checked(records: pa.Table, units: list[UnitRow], out: Path, carried: bool) -> Result | None:
    """Write the year's file and its units file, and validate them like any file; None for
    a year carried on (see Year.checked). Touches no database: runs on the worker thread."""
    if carried:
        return None
    year = int(records["survey_year"][0].as_py())
    district = out / f"huyen-{year}.parquet"
    write_parquet(district, records.to_batches())
    write_units(units_path(district), units)
    return validate(district, year=year, keep_records=True)


def _evolved(records: pa.Table, run: Run, lived: Lineage | None, crossed: Crossing | None,
             units: list[UnitRow], out: Path,
             carried: bool) -> tuple[pa.Table, Lineage, Result | None]:
    """The population of the year after ``records`` (phocap.synth.evolve), with its file
    checked (``_checked``). Touches no database: runs on the worker thread."""
    following, lived = evolve(records, run.plans, run.profile, run.seed, lived, crossed)
    return following, lived, _checked(following, units, out, carried)
