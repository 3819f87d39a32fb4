"""Small, hand-checkable scenarios for the engine tests.

A scenario is a units file with invented codes (province 90, district 901,
communes 90101…) and a survey built cohort by cohort::

    units = Units()
    units.province("90")
    units.district("901", "90")
    units.commune("90101", "901")
    survey = Survey(2021, units)
    survey.add("90101", 19, age=6, current_class="1")   # nineteen 6-year-olds in grade 1
    survey.add("90101", 1, age=6)                      # one 6-year-old not at school
    evaluation = run(tmp_path, survey)

Ages are ages in the survey year (docs/rules.md §1: Y − year of birth), so every row is
written with a birth year alone. Each person is a household of their own (person_no 1).
Files are validated exactly as an officer's file would be, with ``check_units=False``
because the codes are invented.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from phocap.engine.backends import connect, load
from phocap.engine.evaluate import evaluate
from phocap.engine.result import CriterionResult, Evaluation
from phocap.engine.units import read_units_file
from phocap.survey.schema import COLUMNS, KEYS
from phocap.survey.validate import validate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "engine"
UNITS_HEADER = ("code", "name", "type", "parent_code", "especially_difficult")


@dataclass
class Units:
    """A units file: code, name, type, parent_code, especially_difficult."""

    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def province(self, code: str) -> None:
        self.rows.append((code, f"Tỉnh {code}", "province", "", "0"))

    def district(self, code: str, province: str) -> None:
        self.rows.append((code, f"Huyện {code}", "district", province, "0"))

    def commune(self, code: str, parent: str, especially_difficult: bool = False) -> None:
        flag = "1" if especially_difficult else "0"
        self.rows.append((code, f"Xã {code}", "commune", parent, flag))

    def parent(self, code: str) -> tuple[str, str]:
        """(type, code) of a unit's parent."""
        parent_code = next(r[3] for r in self.rows if r[0] == code)
        parent_type = next(r[2] for r in self.rows if r[0] == parent_code)
        return parent_type, parent_code

    def write(self, path: Path) -> Path:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(UNITS_HEADER)
            writer.writerows(self.rows)
        return path


@dataclass
class Survey:
    """Survey records of one year, added cohort by cohort."""

    year: int
    units: Units
    rows: list[dict[str, str]] = field(default_factory=list)
    _people: dict[str, int] = field(default_factory=dict)  # commune → people so far

    def add(self, commune: str, count: int, age: int, **fields: object) -> None:
        """``count`` people of ``age`` in ``commune``; ``fields`` are survey columns."""
        unknown = set(fields) - set(KEYS)
        assert not unknown, f"not survey columns: {unknown}"
        parent_type, parent = self.units.parent(commune)
        if parent_type == "district":
            district, province = parent, self.units.parent(parent)[1]
        else:
            district, province = "", parent
        for _ in range(count):
            number = self._people[commune] = self._people.get(commune, 0) + 1
            row = dict.fromkeys(KEYS, "")
            row.update(
                survey_year=str(self.year),
                province_code=province,
                district_code=district,
                commune_code=commune,
                village="Thôn 1",
                household_no=f"{number:04d}",
                person_no="1",
                full_name=f"Người {commune}-{number:03d}",
                birth_date=str(self.year - age),
                sex="nam" if number % 2 else "nữ",
            )
            row.update({k: "" if v is None else str(v) for k, v in fields.items()})
            self.rows.append(row)

    def write(self, path: Path, vietnamese_headers: bool = False) -> Path:
        """The survey as CSV; Vietnamese headers for files an officer will open."""
        headers = [c.header_vi for c in COLUMNS] if vietnamese_headers else list(KEYS)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows([row[k] for k in KEYS] for row in self.rows)
        return path


def run_files(survey_csv: Path, units_csv: Path, ruleset: str | None = None) -> Evaluation:
    """Validate a survey file as the importer does, then evaluate it on DuckDB."""
    result = validate(survey_csv, keep_records=True, check_units=False)
    assert result.report.ok, result.report.problems.to_dicts()[:5]
    assert result.records is not None
    table = load(connect("duckdb"), result.records)
    return evaluate(table, ruleset=ruleset, units=read_units_file(units_csv))


def run(folder: Path, survey: Survey, ruleset: str | None = None) -> Evaluation:
    """Write a scenario's two files into ``folder`` and evaluate them."""
    folder.mkdir(parents=True, exist_ok=True)
    return run_files(
        survey.write(folder / "survey.csv"), survey.units.write(folder / "units.csv"), ruleset
    )


def criterion(evaluation: Evaluation, code: str, key: str) -> CriterionResult:
    """One criterion of one unit, by key (e.g. "primary.2.grade_1_at_6")."""
    standard = key.split(".")[0]
    found = [c for c in evaluation.unit(code).standards[standard].criteria if c.key == key]
    assert len(found) == 1, f"{key} not found for {code}"
    return found[0]


def add_commune_at(
    survey: Survey,
    code: str,
    preschool_5: int = 1,
    primary: int = 3,
    lower_secondary: int = 3,
    literacy: int = 2,
) -> None:
    """A normal (not ĐBKK) commune whose ND20 levels are exactly the ones asked for.

    The fewest people that give each level (docs/rules.md §3, normal thresholds):

    - preschool_5: one 5-year-old in MG5 (1/1 ≥ 95%) or at home (0/1 → 0); one
      6-year-old who completed preschool (1/1 ≥ 85%).
    - primary 0: that 6-year-old is not at school (grade 1 at 6: 0/1 < 90%).
      primary ≥ 1: the 6-year-old is in grade 1 (1/1) and one 14-year-old completed
      primary (1/1 ≥ 80%); then at age 11:
      1 → one child who neither completed primary nor attends (completed 0/1 < 80%);
      2 → five children, four completed and one in grade 5 (4/5 = 80%: ≥ 80% for
      level 2, < 90% for level 3; every other 11-year-old in primary: 5/5);
      3 → one child who completed primary (1/1).
    - lower_secondary (ages 15–18, all aged 16 and all literate):
      0 → one non-graduate in grade 9 (0/1 < 80%);
      1 → four graduates in grade 11 and one non-graduate in grade 9 (4/5 = 80%:
      ≥ 80%, < 90%);
      2 → one graduate not studying (graduates 1/1; beyond THCS 0/1 < 80%);
      3 → one graduate in grade 11 (1/1, beyond 1/1).
    - literacy: the 16-year-olds are literate at both levels; then
      2 → nobody else; 1 → one 40-year-old who completed grade 3 only (literate
      level 1 but not 2; 15–60: n/(n+1) ≤ 5/6 < 90%); 0 → one illiterate
      20-year-old (15–35: n/(n+1) ≤ 5/6 < 90%).

    Lower secondary needs primary level 1 and literacy level 1, so it must be 0
    when either is 0.
    """
    assert lower_secondary == 0 or (primary >= 1 and literacy >= 1), "THCS needs primary, XMC 1"
    y = survey.year
    survey.add(code, 1, age=5, current_class="MG5" if preschool_5 else "")
    survey.add(code, 1, age=6, preschool_completed=y, current_class="1" if primary else "")
    if primary >= 1:
        survey.add(code, 1, age=14, primary_completed=y - 3)
    if primary == 1:
        survey.add(code, 1, age=11)
    elif primary == 2:
        survey.add(code, 4, age=11, primary_completed=y, current_class="6")
        survey.add(code, 1, age=11, current_class="5")
    elif primary == 3:
        survey.add(code, 1, age=11, primary_completed=y, current_class="6")
    graduate = {"primary_completed": y - 5, "thcs_graduated": y - 1}
    if lower_secondary == 0:
        survey.add(code, 1, age=16, primary_completed=y - 5, current_class="9")
    elif lower_secondary == 1:
        survey.add(code, 4, age=16, current_class="11", **graduate)
        survey.add(code, 1, age=16, primary_completed=y - 5, current_class="9")
    elif lower_secondary == 2:
        survey.add(code, 1, age=16, **graduate)
    else:
        survey.add(code, 1, age=16, current_class="11", **graduate)
    if literacy == 1:
        survey.add(code, 1, age=40, highest_grade=3)
    elif literacy == 0:
        survey.add(code, 1, age=20)


def levels(evaluation: Evaluation, code: str) -> dict[str, int]:
    """Every standard's level for one unit."""
    unit = evaluation.unit(code)
    return {standard: result.level for standard, result in unit.standards.items()}
