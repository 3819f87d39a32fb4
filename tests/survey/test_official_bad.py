"""Bad cells in the ministry's template: each named at its cell, nothing written.

Every message names the file, the sheet, the row, the column letter with its
header, and the value, in Vietnamese.
"""

from pathlib import Path

import polars as pl

from phocap.survey.official.reading import Context
from phocap.survey.validate import validate
from tests.survey.official_template import build

HEAD = {"C": "Lò Văn", "D": "Hòa", "E": 12, "F": 3, "G": 1985, "I": "Thái", "O": "1",
        "P": "Thường trú", "AV": "Chủ hộ"}
WIFE = {"C": "Lò Thị", "D": "Thủy", "G": 1987, "H": "X", "I": "Thái", "O": "1",
        "P": "Thường trú", "AV": "Vợ"}


def errors(tmp_path: Path, people: list[dict[str, object]], **options: object) -> pl.DataFrame:
    path = build(tmp_path / "Bản Pồn.xls", people, **options)  # type: ignore[arg-type]
    store = tmp_path / "records.parquet"
    result = validate(path, year=2021, records_to=store, context=Context(commune_code="03319"))
    assert not result.report.ok
    assert not store.exists()  # nothing written
    return result.report.problems.filter(pl.col("severity") == "error")


def the_one(found: pl.DataFrame, code: str) -> dict[str, object]:
    rows = found.filter(pl.col("code") == code).to_dicts()
    assert len(rows) >= 1, found.to_dicts()
    return rows[0]


def names_the_cell(problem: dict[str, object], row: int, header: str, value: str) -> None:
    assert (problem["file"], problem["sheet"], problem["row"]) == ("Bản Pồn.xls", "MauNhapLieu",
                                                                   row)
    assert problem["header"] == header and problem["value"] == value
    message = str(problem["message"])
    for part in ("Bản Pồn.xls", "MauNhapLieu", f"dòng {row}", header, value):
        assert part in message, (part, message)


def test_a_shifted_column(tmp_path: Path) -> None:
    # An officer inserted a column "Tuổi" at H: Nữ and everything after moved right.
    found = errors(tmp_path, [HEAD, WIFE], insert_at="H")
    problem = the_one(found, "official_header_mismatch")
    names_the_cell(problem, 2, "H (Nữ)", "Tuổi")
    later = found.filter(pl.col("code") == "official_header_mismatch")["message"].to_list()
    assert any("là tiêu đề của cột H" in m for m in later)  # "Nữ" now sits in I


def test_an_x_in_a_year_cell(tmp_path: Path) -> None:
    found = errors(tmp_path, [{**HEAD, "W": "THCS", "Y": "X"}])
    names_the_cell(the_one(found, "official_cell"), 5, "Y (Năm tốt nghiệp)", "X")


def test_an_x_in_the_birth_year(tmp_path: Path) -> None:
    found = errors(tmp_path, [{**HEAD, "G": "X"}])
    names_the_cell(the_one(found, "official_cell"), 5, "G (Năm sinh)", "X")
    assert found.height == 1  # not also "Ngày sinh không hợp lệ"


def test_31_february_across_the_split_cells(tmp_path: Path) -> None:
    found = errors(tmp_path, [HEAD, {**WIFE, "E": 31, "F": 2, "G": 2000}])
    problem = the_one(found, "official_cell")
    names_the_cell(problem, 6, "E–G (Ngày, Tháng, Năm sinh)", "31/2/2000")
    assert "ngày 31 tháng 2 năm 2000 không có thật" in str(problem["message"])
    assert found.height == 1


def test_a_household_without_its_head(tmp_path: Path) -> None:
    found = errors(tmp_path, [{**HEAD, "AV": "Chồng"}, WIFE])
    problem = the_one(found, "official_no_head")
    names_the_cell(problem, 5, "AV (Quan hệ với chủ hộ)", "1")
    assert "dòng 5, 6" in str(problem["message"])


def test_the_head_may_be_named_in_l_and_m_instead(tmp_path: Path) -> None:
    head = {**HEAD, "L": "Lò Văn", "M": "Hòa"}
    del head["AV"]
    path = build(tmp_path / "Bản Pồn.xls", [head, {**WIFE, "L": "Lò Văn", "M": "Hòa"}])
    result = validate(path, year=2021, context=Context(commune_code="03319"))
    assert result.report.ok, result.report.problems.to_dicts()


def test_a_household_with_two_heads(tmp_path: Path) -> None:
    found = errors(tmp_path, [HEAD, {**WIFE, "AV": "Chủ hộ"}])
    problem = the_one(found, "official_two_heads")
    names_the_cell(problem, 6, "AV (Quan hệ với chủ hộ)", "Chủ hộ")
    assert "đã có chủ hộ ở dòng 5" in str(problem["message"])


def test_a_member_whose_household_number_has_no_household(tmp_path: Path) -> None:
    found = errors(tmp_path, [HEAD, WIFE, {**WIFE, "D": "Hoa", "O": "7", "AV": "Con"}])
    problem = the_one(found, "official_unknown_household")
    names_the_cell(problem, 7, "O (Số phiếu)", "7")


def test_a_member_without_a_household_number(tmp_path: Path) -> None:
    person = {k: v for k, v in WIFE.items() if k != "O"}
    found = errors(tmp_path, [HEAD, person])
    problem = the_one(found, "official_no_household")
    assert (problem["row"], problem["header"]) == (6, "O (Số phiếu)")


def test_an_unknown_khoi_hoc_value(tmp_path: Path) -> None:
    found = errors(tmp_path, [HEAD, {**WIFE, "G": 2012, "R": "Lớp năm"}])
    problem = the_one(found, "official_cell")
    names_the_cell(problem, 6, "R (Khối học)", "Lớp năm")
    assert "3 tuổi, 4 tuổi, 5 tuổi" in str(problem["message"])
    assert found.height == 1


def test_a_school_year_backwards(tmp_path: Path) -> None:
    found = errors(tmp_path, [{**HEAD, "AE": 7, "AF": "2024-2023"}])
    problem = the_one(found, "official_cell")
    names_the_cell(problem, 5, "AF (Bỏ học – Năm)", "2024-2023")
    assert "ví dụ 2023-2024" in str(problem["message"])


def test_two_villages_may_both_number_their_households_from_1(tmp_path: Path) -> None:
    # The ministry numbers households within a village: Số phiếu 1 and 2 in each of two
    # villages are 2 + 2 = 4 households, and no error.
    def household(number: str, given: str) -> list[dict[str, object]]:
        return [{**HEAD, "D": given, "L": "Lò Văn", "M": given, "O": number},
                {**WIFE, "D": given + " Thị", "O": number}]

    first = build(tmp_path / "Bản Pồn.xls", household("1", "Hòa") + household("2", "Hùng"))
    second = build(tmp_path / "Bản Pá Ngam.xls", household("1", "Páo") + household("2", "Dình"))
    result = validate([first, second], year=2021, context=Context(commune_code="03319"),
                      keep_records=True)
    assert result.report.problems.filter(pl.col("severity") == "error").height == 0
    assert result.records is not None
    households = result.records.select("village", "household_no").unique()
    assert households.height == 4
    assert result.records.filter(pl.col("person_no") == 1).height == 4  # one head each


def test_one_number_and_member_twice_in_one_village_names_the_village(
    tmp_path: Path
) -> None:
    # Two files of the same village, both with household 1: its head (STT 1) comes twice.
    first = build(tmp_path / "01. Bản Pồn.xls", [HEAD])
    second = build(tmp_path / "02. Bản Pồn.xls", [{**HEAD, "D": "Páo"}])
    result = validate([first, second], year=2021, context=Context(commune_code="03319"))
    problem = the_one(result.report.problems, "duplicate_household_person")
    assert problem["file"] == "02. Bản Pồn.xls" and problem["severity"] == "error"
    message = str(problem["message"])
    assert "hộ số 1, thôn Bản Pồn" in message and "01. Bản Pồn.xls" in message, message


def test_the_commune_and_year_must_be_chosen(tmp_path: Path) -> None:
    path = build(tmp_path / "Bản Pồn.xls", [HEAD])
    result = validate(path)
    codes = set(result.report.problems["code"].to_list())
    assert {"official_year_missing"} <= codes
    result = validate(path, year=2021)
    assert "official_commune_missing" in result.report.problems["code"].to_list()
