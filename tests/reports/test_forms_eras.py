"""From 2025: no districts, ND277's ages 3–5; and the figures on another database."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from forms_fixture import YEAR, table_and_units

from phocap.engine.backends import connect, load
from phocap.engine.evaluate import evaluate
from phocap.engine.units import read_units_file
from phocap.reports.consistency import check
from phocap.reports.figures import METRICS, compute
from phocap.reports.forms import forms_for
from phocap.survey.validate import validate

PROVINCE_2025 = Path(__file__).parents[1] / "fixtures" / "engine" / "province_preschool_3_5_2025"


def test_a_province_from_2025_lists_its_communes() -> None:
    """Province 80 (fixture README): 30 communes, each one child aged 3; 26 of them in MG3.
    From 2025 the preschool forms are MN-01-TE and MN-01-TC,ĐK (MN-01 and MN-02 are the
    earlier years'): TE's 3-year-olds: 30 in PPC (row 9), 26 attending (row 10); TC,ĐK lists
    the 30 communes under "TOÀN TỈNH", three rows each (the commune, ages 3–4, age 5); the
    province is recognised for ages 3–5 ("Đạt" in column 22)."""
    result = validate(PROVINCE_2025 / "survey.csv", keep_records=True, check_units=False)
    assert result.report.ok and result.records is not None
    table = load(connect("duckdb"), result.records)
    evaluation = evaluate(table, units=read_units_file(PROVINCE_2025 / "units.csv"))
    figures = compute(table, 2025)
    forms = {f.code: f for f in forms_for(evaluation, figures, "80")}
    assert "MN-01" not in forms and "MN-02" not in forms
    te, tcdk = forms["MN-01-TE"], forms["MN-01-TCDK"]
    assert (te.row("in_scope").values["a3"], te.row("attends_early_education").values["a3"]) \
        == (30, 26)
    assert te.headings[0] == "Tỉnh: Tỉnh Thử Nghiệm Hai Cấp"
    assert not any(h.startswith("Huyện") for h in te.headings)
    assert len(tcdk.rows) == 3 + 30 * 3
    assert tcdk.row("total").values["recognised"] == "Đạt"
    assert tcdk.row("total:3_4").values["attending"] == 26
    th = forms["TH-02"]
    assert th.signatures[1].title == "GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    assert len(forms["TH-02"].rows) == 30 + 1  # the communes, then the total
    commune_forms = [f for c in ("80001", "80010") for f in forms_for(evaluation, figures, c)]
    # The official templates head with "Xã:" then "Tỉnh:"; the others province first.
    assert commune_forms[0].headings[:2] == ("Xã: Xã 01", "Tỉnh: Tỉnh Thử Nghiệm Hai Cấp")
    assert commune_forms[2].headings[:2] == ("Tỉnh: Tỉnh Thử Nghiệm Hai Cấp", "Xã: Xã 01")
    assert check([*forms.values(), *commune_forms], evaluation) == []


def test_figures_are_the_same_on_sqlite(tmp_path: Path) -> None:
    """The aggregation is one Ibis expression: SQLite (the web application's default) gives
    DuckDB's numbers for every metric, commune and age."""
    duckdb_table, _ = table_and_units(tmp_path)
    records = pl.from_arrow(duckdb_table.to_pyarrow())
    assert isinstance(records, pl.DataFrame)
    sqlite_table = load(connect("sqlite"), records)
    on_duckdb, on_sqlite = compute(duckdb_table, YEAR), compute(sqlite_table, YEAR)
    assert sorted(on_duckdb.by_commune) == sorted(on_sqlite.by_commune) == ["90101", "90102"]
    for commune, figures in on_duckdb.by_commune.items():
        for metric in METRICS:
            assert (figures.ages[metric] == on_sqlite.by_commune[commune].ages[metric]).all(), (
                commune, metric)
    assert on_sqlite.by_commune["90101"].get("in_scope", 6) == 3
