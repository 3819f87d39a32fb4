"""Each validation rule: the right code, row, column, value and a Vietnamese message."""

import csv
from pathlib import Path

import polars as pl
import pytest

from phocap.survey.problems import ERROR, WARNING
from phocap.survey.validate import validate

FIXTURE = Path(__file__).parent.parent / "fixtures" / "survey" / "en.csv"


def people() -> list[dict[str, str]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "survey.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def problems_after(tmp_path: Path, index: int, **changes: str) -> pl.DataFrame:
    rows = people()
    rows[index].update(changes)
    return validate(write(tmp_path, rows), check_units=False).report.problems


def single(found: pl.DataFrame, code: str) -> dict[str, object]:
    hits = found.filter(pl.col("code") == code)
    assert hits.height == 1, found
    return hits.row(0, named=True)


def test_the_fixture_is_clean(tmp_path: Path) -> None:
    assert validate(write(tmp_path, people())).report.problems.height == 0


# (row index in en.csv, changes, check code, severity, column, words the message must contain)
CASES = [
    (0, {"birth_date": "12/03/2022"}, "birth_after_survey", ERROR, "birth_date", "30/09/2021"),
    (3, {"birth_date": "01/10/2021"}, "birth_after_survey", ERROR, "birth_date", "sau ngày"),
    (0, {"birth_date": "1900"}, "age_impossible", ERROR, "birth_date", "121"),
    (0, {"birth_date": "1950"}, "age_out_of_scope", WARNING, "birth_date", "71 tuổi"),
    (0, {"birth_date": "31/02/1985"}, "invalid_birth_date", ERROR, "birth_date", "DD/MM/YYYY"),
    (0, {"birth_date": "hôm qua"}, "invalid_birth_date", ERROR, "birth_date", "Ngày sinh"),
    (0, {"birth_date": ""}, "required_birth_date", ERROR, "birth_date", "bắt buộc"),
    (0, {"sex": "x"}, "invalid_sex", ERROR, "sex", "nam, nữ"),
    (0, {"ethnicity": "Kinhh"}, "invalid_ethnicity", ERROR, "ethnicity", "54 dân tộc"),
    (2, {"current_class": "13"}, "invalid_current_class", ERROR, "current_class", "BT6–BT12"),
    (0, {"residence": "ở nhờ"}, "invalid_residence", ERROR, "residence", "tạm trú"),
    (0, {"status": "đi xa"}, "invalid_status", ERROR, "status", "chuyển đi"),
    (0, {"disability": "nặng"}, "invalid_disability", ERROR, "disability", "không học được"),
    (0, {"vocational_level": "tiểu học"}, "invalid_vocational_level", ERROR,
     "vocational_level", "cao đẳng"),
    (0, {"highest_grade": "13"}, "invalid_highest_grade", ERROR, "highest_grade", "0 đến 12"),
    (0, {"person_no": "0"}, "invalid_person_no", ERROR, "person_no", "1 đến 99"),
    (0, {"commune_code": "333190"}, "invalid_commune_code", ERROR, "commune_code", "5 chữ số"),
    (0, {"national_id": "12345"}, "invalid_national_id", ERROR, "national_id", "12 chữ số"),
    (0, {"relapsed": "có lẽ"}, "invalid_relapsed", ERROR, "relapsed", "x"),
    (0, {"survey_year": "21"}, "invalid_survey_year", ERROR, "survey_year", "4 chữ số"),
    (0, {"district_code": ""}, "district_missing", ERROR, "district_code", "Mã huyện"),
    (0, {"primary_completed": "2022"}, "primary_completed_after_survey", ERROR,
     "primary_completed", "sau năm điều tra"),
    (0, {"primary_completed": "1990"}, "primary_completed_too_young", ERROR,
     "primary_completed", "5 tuổi"),
    (0, {"thcs_graduated": "1995"}, "thcs_graduated_before_primary_completed", ERROR,
     "thcs_graduated", "trước năm hoàn thành tiểu học"),
    (0, {"thpt_graduated": "1999"}, "thpt_graduated_before_thcs_graduated", ERROR,
     "thpt_graduated", "sai thứ tự"),
    (5, {"preschool_completed": "2020"}, "primary_completed_before_preschool_completed",
     ERROR, "primary_completed", "mầm non"),
    (2, {"current_class": "6"}, "class_too_young", WARNING, "current_class", "8 tuổi"),
    (0, {"current_class": "7"}, "class_too_old", WARNING, "current_class", "36 tuổi"),
    (9, {"current_class": "5"}, "enrolled_deceased", ERROR, "current_class", "đã chết"),
    (7, {"current_class": "DH"}, "enrolled_moved_away", WARNING, "current_class", "chuyển đi"),
    (5, {"highest_grade": "9"}, "grade_behind_history", WARNING, "highest_grade", "lớp 9"),
    (1, {"dropout_year": ""}, "dropout_incomplete", WARNING, "dropout_year", "Bỏ học năm"),
    (1, {"literacy_stage": ""}, "literacy_year_without_stage", WARNING, "literacy_year", "XMC"),
    (0, {"vocational_level": ""}, "vocational_without_level", WARNING, "vocational_level",
     "Trình độ nghề"),
    (0, {"national_id": "11085000123"}, "national_id_padded", WARNING, "national_id", "số 0"),
    # A number too long for any count or year is refused, not an overflow that stops the check.
    (0, {"birth_date": "1" * 30}, "invalid_birth_date", ERROR, "birth_date", "Ngày sinh"),
    (0, {"person_no": "9" * 25}, "invalid_person_no", ERROR, "person_no", "1 đến 99"),
    # Text the register would store as it is: no hidden control or bidi characters, no more
    # than its fields hold (the same sentences as on the pages and in the API).
    (0, {"full_name": "Lò Văn\x00 Hòa"}, "forbidden_character_full_name", ERROR, "full_name",
     "ký tự ẩn U+0000"),
    (0, {"village": "Bản \u202ePồn"}, "forbidden_character_village", ERROR, "village",
     "“Thôn/xóm” chứa ký tự ẩn U+202E"),
    (2, {"current_school": "11100TH01\u2069"}, "forbidden_character_current_school", ERROR,
     "current_school", "U+2069"),
    (0, {"full_name": "A" * 121}, "too_long_full_name", ERROR, "full_name",
     "“Họ và tên” dài 121 ký tự: tối đa 120 ký tự."),
    (0, {"household_no": "1" * 21}, "too_long_household_no", ERROR, "household_no",
     "tối đa 20 ký tự"),
    (2, {"current_school": "T" * 31}, "too_long_current_school", ERROR, "current_school",
     "tối đa 30 ký tự"),
]


@pytest.mark.parametrize(("index", "changes", "code", "severity", "column", "words"), CASES)
def test_rule(
    tmp_path: Path, index: int, changes: dict[str, str], code: str, severity: str, column: str,
    words: str,
) -> None:
    found = problems_after(tmp_path, index, **changes)
    problem = single(found, code)
    assert problem["severity"] == severity
    assert problem["row"] == index + 2  # header is row 1
    assert problem["column"] == column
    assert problem["header"] == column  # as written in the file: English keys here
    value = next(iter(changes.values())) if column in changes else problem["value"]
    assert problem["value"] == (value or None)
    assert words in str(problem["message"])


def test_district_given_from_2025(tmp_path: Path) -> None:
    rows = people()
    for row in rows:
        row["survey_year"] = "2025"
    found = validate(write(tmp_path, rows), check_units=False).report.problems
    after = found.filter(pl.col("code") == "district_after_2025")
    assert after.height == len(rows)
    assert "không còn cấp huyện" in after["message"][0]


def test_duplicate_household_and_person_number(tmp_path: Path) -> None:
    rows = people()
    rows[3]["person_no"] = "1"
    problem = single(validate(write(tmp_path, rows), check_units=False).report.problems,
                     "duplicate_household_person")
    assert problem["severity"] == ERROR and problem["row"] == 5
    assert "dòng 2" in str(problem["message"])


def test_same_household_number_in_another_commune_is_fine(tmp_path: Path) -> None:
    # Household 0001 exists in communes 03319 and 03322 in the fixture.
    assert validate(write(tmp_path, people()), check_units=False).report.ok


def test_same_person_twice_is_a_warning(tmp_path: Path) -> None:
    rows = people()
    twin = dict(rows[0], household_no="0009", person_no="1", national_id="",
                full_name="LÒ VĂN HOÀ")
    rows.append(twin)
    result = validate(write(tmp_path, rows), check_units=False, keep_records=True)
    problem = single(result.report.problems, "duplicate_person")
    assert problem["severity"] == WARNING and problem["row"] == 12
    assert "dòng 2" in str(problem["message"])
    assert result.report.ok
    assert result.records is not None
    assert result.records["warnings"][10].to_list() == [problem["message"]]


def test_duplicate_national_id(tmp_path: Path) -> None:
    rows = people()
    rows[7]["national_id"] = rows[0]["national_id"]
    problem = single(validate(write(tmp_path, rows), check_units=False).report.problems,
                     "duplicate_national_id")
    assert problem["row"] == 9 and problem["severity"] == ERROR


def test_year_option_must_match(tmp_path: Path) -> None:
    found = validate(write(tmp_path, people()), year=2022, check_units=False).report.problems
    assert found.filter(pl.col("code") == "year_mismatch").height == 10
    assert "khác năm đã chọn 2022" in found["message"][0]


def test_year_option_fills_a_missing_year_column(tmp_path: Path) -> None:
    rows = [{k: v for k, v in row.items() if k != "survey_year"} for row in people()]
    result = validate(write(tmp_path, rows), year=2021, check_units=False, keep_records=True)
    assert result.report.ok and result.report.warnings == 1
    assert result.records is not None
    assert set(result.records["survey_year"].to_list()) == {2021}


def test_warnings_travel_with_the_records(tmp_path: Path) -> None:
    rows = people()
    rows[2]["current_class"] = "6"
    result = validate(write(tmp_path, rows), check_units=False, keep_records=True)
    assert result.report.ok and result.records is not None
    assert "8 tuổi" in result.records["warnings"][2][0]
    assert result.records["warnings"][0].to_list() == []


def test_commune_codes_must_exist_in_that_years_units(tmp_path: Path) -> None:
    rows = people()
    rows[0]["commune_code"] = "99999"
    found = validate(write(tmp_path, rows)).report.problems
    problem = single(found, "commune_unknown")
    assert problem["row"] == 2 and problem["value"] == "99999"
    assert "năm 2021" in str(problem["message"]) and "trước 01/7/2025" in str(problem["message"])


def test_commune_must_belong_to_the_given_province_and_district(tmp_path: Path) -> None:
    rows = people()
    rows[0]["province_code"] = "12"
    rows[1]["district_code"] = "101"
    found = validate(write(tmp_path, rows)).report.problems
    assert single(found, "commune_not_in_province")["row"] == 2
    assert single(found, "commune_not_in_district")["row"] == 3


def test_codes_are_read_in_their_vintage(tmp_path: Path) -> None:
    # 03319 (Mường Pồn) existed before 1 July 2025; in 2025 Điện Biên's communes were
    # merged and the province code 11 stayed. A 2025 file must use the new codes.
    rows = people()
    for row in rows:
        row["survey_year"] = "2025"
        row["district_code"] = ""
    found = validate(write(tmp_path, rows)).report.problems
    unknown = found.filter(pl.col("code") == "commune_unknown")
    from phocap.units import registry_for_year

    exists = {u.code for u in registry_for_year(2025).communes()}
    expected = sum(1 for row in rows if row["commune_code"] not in exists)
    assert unknown.height == expected


def test_several_files_are_checked_as_one_import(tmp_path: Path, fixtures: Path) -> None:
    # The same household member in two files: the second names the first file.
    lines = (fixtures / "en.csv").read_text(encoding="utf-8").splitlines()
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    second.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")
    report = validate([first, second], check_units=False).report
    repeated = report.problems.filter(pl.col("code") == "duplicate_household_person")
    assert repeated["file"].to_list() == ["b.csv"]
    assert "dòng 3 (tệp a.csv" in repeated["message"].to_list()[0]
    assert report.file == "a.csv, b.csv"
