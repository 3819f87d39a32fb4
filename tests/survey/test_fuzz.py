"""Property tests: no input makes a reader or validation fail with a traceback."""

import csv
import io
from pathlib import Path

import polars as pl
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phocap.survey.problems import ERROR
from phocap.survey.schema import KEYS
from phocap.survey.validate import validate

FIXTURE = Path(__file__).parent.parent / "fixtures" / "survey" / "en.csv"
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

cells = st.one_of(
    st.just(""),
    st.text(max_size=12),
    st.integers(-10, 3000).map(str),
    st.sampled_from(["12/03/1985", "2010-02-30", "31/12/9999", "3*!", "BT13", "nữ", "x", "1.0",
                     "=A1", "\u0301", "Hoà", "03319", "'", '"', ";", "\n"]),
)


def fixture_rows() -> list[list[str]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


@SETTINGS
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".xls",
                                                              ".parquet"]))
def test_arbitrary_bytes_give_problems_not_tracebacks(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    report = validate(path).report
    assert report.problems.height == 0 or report.problems["message"].str.len_chars().min() > 0


@SETTINGS
@given(column=st.sampled_from(KEYS), row=st.integers(0, 9), value=cells)
def test_any_cell_value_is_either_accepted_or_reported_at_its_cell(
    tmp_path: Path, column: str, row: int, value: str
) -> None:
    rows = fixture_rows()
    header = rows[0]
    if column not in header:  # a column the fixture leaves out: added, blank elsewhere
        for line in rows:
            line.append(column if line is header else "")
    rows[row + 1][header.index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / "cell.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = validate(path, keep_records=True)
    errors = result.report.problems.filter(pl.col("severity") == ERROR)
    if result.report.ok:
        assert result.records is not None and result.records.height == 10
    else:
        # Every error points at a row of the file; the edited row is among them
        # unless the edit made another row's key a duplicate of it.
        assert errors["row"].null_count() == 0
        assert (row + 2) in errors["row"].to_list() or errors["code"].str.starts_with(
            "duplicate"
        ).any()


@SETTINGS
@given(grid=st.lists(st.lists(cells, min_size=1, max_size=8), min_size=0, max_size=8))
def test_arbitrary_sheets_give_problems_not_tracebacks(
    tmp_path: Path, grid: list[list[str]]
) -> None:
    path = tmp_path / "grid.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = workbook.add_worksheet()
    for r, row in enumerate(grid):
        sheet.write_row(r, 0, row)
    workbook.close()
    assert not validate(path).report.ok
