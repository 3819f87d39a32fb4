"""The ministry's data-entry workbooks read to the same records as our own format.

The fixtures are built from the template's layout (official_template.py) and
hold the people of tests/fixtures/survey/en.csv, as an officer would type
them into the template: split birth dates, school years, "X" marks, the head
of each household in column AV.
"""

from pathlib import Path

import polars as pl
import pytest

from phocap.survey.official.reading import Context
from phocap.survey.official.workbook import grids, load
from phocap.survey.official.writing import carried
from phocap.survey.schema import SCHEMA
from phocap.survey.validate import validate
from tests.survey.official_template import build

FIXTURES = Path(__file__).parent.parent / "fixtures" / "survey"
KEY = ["village", "household_no", "person_no"]

# The people of en.csv, village by village, as the template holds them.
HOA = {"C": "Lò Văn", "D": "Hòa"}
PAO = {"C": "Giàng A", "D": "Páo"}
DUC = {"C": "Nguyễn Văn", "D": "Đức"}
VILLAGES: dict[str, tuple[str, list[dict[str, object]]]] = {
    "Bản Pồn": ("03319", [
        {"B": 1, **HOA, "E": 12, "F": 3, "G": 1985, "I": "Thái", "L": "Lò Văn", "M": "Hòa",
         "O": "0001", "P": "Thường trú", "W": "THPT", "Y": "2002-2003", "Z": "Trung cấp",
         "AB": "2005-2006", "AC": 12, "AV": "Chủ hộ"},
        {"B": 2, "C": "Lò Thị", "D": "Thủy", "G": 1987, "H": "X", "I": "Thái", "O": "0001",
         "P": "Thường trú", "AC": 3, "AE": 3, "AF": "1997-1998", "AH": 5, "AV": "Vợ"},
        {"B": 3, "C": "Lò Văn", "D": "An", "E": 5, "F": 6, "G": 2013, "I": "Thái",
         "O": "0001", "P": "Thường trú", "R": 3, "S": "3A*!", "V": "11100TH01", "W": "MN",
         "Y": "2018-2019", "AC": 2, "AV": "Con"},
        {"B": 4, "C": "Lò Thị", "D": "Hoa", "E": 20, "F": 11, "G": 2016, "H": "X",
         "I": "Thái", "O": "0001", "P": "Thường trú", "R": "5 tuổi", "V": "11100MN01",
         "AV": "Con"},
    ]),
    "Bản Pá Ngam": ("03319", [
        {"B": 1, **PAO, "G": 1962, "I": "Mông", "O": "0002", "P": "Thường trú", "AC": 0,
         "AH": 3, "AI": 1, "AV": "Chủ hộ"},
        {"B": 2, "C": "Vàng Thị", "D": "Mỷ", "E": 3, "F": 2, "G": 2007, "H": "X", "I": "Mông",
         "O": "0002", "P": "Tạm trú", "R": 9, "S": "9A!", "V": "11100THCS01", "W": "TH",
         "Y": "2018-2019", "AC": 8, "AK": "X", "AS": "X", "AT": "Chuyển đến", "AV": "Con"},
        {"B": 3, "C": "Giàng A", "D": "Dình", "E": 30, "F": 9, "G": 2010, "I": "Mông",
         "O": "0002", "P": "Thường trú", "AN": "X", "AV": "Con"},
    ]),
    "Bản Noong Nhai": ("03322", [
        {"B": 1, **DUC, "E": 1, "F": 1, "G": 1990, "I": "Kinh", "O": "0001",
         "P": "Thường trú", "W": "THPT", "Y": "2007-2008", "AC": 12, "AT": "Chuyển đi",
         "AV": "Chủ hộ"},
        {"B": 2, "C": "Trần Thị", "D": "Huệ", "E": 15, "F": 8, "G": 2004, "H": "X",
         "I": "Kinh", "O": "0001", "P": "Thường trú", "R": 11, "X": "X", "V": "11100GDTX",
         "W": "THCS", "Y": "2018-2019", "AC": 10, "AE": 10, "AF": "2019-2020", "AV": "Con"},
        {"B": 3, "C": "Nguyễn Văn", "D": "Long", "G": 2000, "I": "Kinh", "O": "0001",
         "P": "Thường trú", "W": "TH", "Y": "2010-2011", "AC": 5, "AT": "Chết", "AV": "Con"},
    ]),
}


def village_files(folder: Path, commune: str, suffix: str, text: bool) -> list[Path]:
    return [
        build(folder / f"{village}{suffix}", people, text=text)
        for village, (code, people) in VILLAGES.items()
        if code == commune
    ]


def read(paths: list[Path], commune: str, year: int = 2021, **context: str) -> pl.DataFrame:
    result = validate(paths, year=year, keep_records=True,
                      context=Context(commune_code=commune, **context))
    assert result.report.ok, result.report.problems.to_dicts()
    assert result.records is not None
    return result.records


def ours(commune: str) -> pl.DataFrame:
    result = validate(FIXTURES / "en.csv", keep_records=True)
    assert result.records is not None
    return result.records.filter(pl.col("commune_code") == commune)


def same(actual: pl.DataFrame, expected: pl.DataFrame) -> None:
    actual = actual.sort(KEY).select(list(SCHEMA))
    expected = expected.sort(KEY).select(list(SCHEMA))
    for column in SCHEMA:
        assert actual[column].to_list() == expected[column].to_list(), column


@pytest.mark.parametrize("suffix", [".xls", ".xlsx"])
@pytest.mark.parametrize("text", [False, True], ids=["numbers", "text"])
@pytest.mark.parametrize("commune", ["03319", "03322"])
def test_village_files_read_like_our_own_format(
    tmp_path: Path, suffix: str, text: bool, commune: str
) -> None:
    records = read(village_files(tmp_path, commune, suffix, text), commune)
    same(records, carried(ours(commune)))


def test_what_the_template_cannot_hold_is_exactly_what_differs(tmp_path: Path) -> None:
    # The national ID, the year of the literacy class and lower completions are
    # not in the template; everything else of en.csv reads back unchanged.
    records = read(village_files(tmp_path, "03319", ".xls", False), "03319")
    hoa = records.filter(pl.col("full_name") == "Lò Văn Hòa").row(0, named=True)
    assert hoa["national_id"] is None and hoa["thpt_graduated"] == 2003
    assert hoa["thcs_graduated"] is None and hoa["primary_completed"] is None
    pao = records.filter(pl.col("full_name") == "Giàng A Páo").row(0, named=True)
    assert (pao["literacy_stage"], pao["literacy_year"], pao["relapsed"]) == (1, None, True)


@pytest.mark.parametrize("suffix", [".xls", ".xlsx"])
def test_cells_are_read_by_absolute_letter_though_column_a_is_empty(
    tmp_path: Path, suffix: str
) -> None:
    path = build(tmp_path / f"Bản Pồn{suffix}", VILLAGES["Bản Pồn"][1])
    found = grids(load(path))
    assert found is not None
    sheet = found[0]
    assert sheet.frame["A"].null_count() == sheet.frame.height  # calamine's range starts at B
    assert (sheet.row(1)["B"], sheet.row(1)["O"], sheet.row(4)["C"]) == ("TT", "Số phiếu",
                                                                       "Lò Văn")


def test_rows_and_households_are_numbered_as_the_officer_sees_them(tmp_path: Path) -> None:
    records = read(village_files(tmp_path, "03319", ".xlsx", False), "03319")
    pon = records.filter(pl.col("village") == "Bản Pồn")
    assert pon["source_row"].to_list() == [5, 6, 7, 8]  # people from row 5
    assert pon["person_no"].to_list() == [1, 2, 3, 4]  # the head is 1
    assert set(records["source_sheet"].to_list()) == {"MauNhapLieu"}
    assert pon["province_code"].unique().to_list() == ["11"]
    assert pon["district_code"].unique().to_list() == ["100"]


def test_the_head_is_number_one_wherever_the_row_is(tmp_path: Path) -> None:
    people = [dict(p) for p in VILLAGES["Bản Pá Ngam"][1]]
    people = people[1:] + people[:1]  # the head typed last
    path = build(tmp_path / "Bản Pá Ngam.xls", people)
    records = read([path], "03319")
    assert records.sort("person_no")["full_name"].to_list()[0] == "Giàng A Páo"


def test_the_village_is_the_file_name_unless_given(tmp_path: Path) -> None:
    path = build(tmp_path / "02. Bản Pồn.xls", VILLAGES["Bản Pồn"][1])
    assert read([path], "03319")["village"].unique().to_list() == ["Bản Pồn"]
    given = read([path], "03319", village="Bản Pồn Mới")
    assert given["village"].unique().to_list() == ["Bản Pồn Mới"]


def test_the_template_sheet_is_found_by_its_header_whatever_its_name(tmp_path: Path) -> None:
    path = build(tmp_path / "Bản Pồn.xlsx", VILLAGES["Bản Pồn"][1],
                 sheet="Danh sách phiếu điều tra")
    records = read([path], "03319")
    assert records.height == 4
    assert records["source_sheet"].unique().to_list() == ["Danh sách phiếu điều tra"]


def test_the_commune_workbook(tmp_path: Path) -> None:
    # Sheet DATA: the village in column A, the survey year in A2, people from row 5.
    people = [
        {"A": village, **person}
        for village in ("Bản Pồn", "Bản Pá Ngam")
        for person in VILLAGES[village][1]
    ]
    path = build(tmp_path / "Xã Mường Pồn.xlsx", people, sheet="DATA", extra={"A2": 2021})
    result = validate(path, keep_records=True, context=Context(commune_code="03319"))
    assert result.report.ok, result.report.problems.to_dicts()
    assert result.records is not None
    same(result.records, carried(ours("03319")))


def test_the_commune_workbook_without_captions_is_anchored_by_its_year(tmp_path: Path) -> None:
    people = [{"A": "Bản Pồn", **person} for person in VILLAGES["Bản Pồn"][1]]
    path = build(tmp_path / "Xã.xls", people, sheet="DATA", extra={"A2": 2021}, captions=False)
    result = validate(path, keep_records=True, context=Context(commune_code="03319"))
    assert result.report.ok, result.report.problems.to_dicts()
    assert result.records is not None
    assert result.records["source_row"].to_list() == [5, 6, 7, 8]
    assert result.records["survey_year"].unique().to_list() == [2021]


def test_every_column_of_the_template_is_kept(tmp_path: Path) -> None:
    head = {**VILLAGES["Bản Pồn"][1][0], "J": "Phật giáo", "K": "Con thương binh",
            "N": "Tổ 3", "Q": "Đang ở", "AX": 912345678, "AY": "Hộ nghèo"}
    wife = {**VILLAGES["Bản Pồn"][1][1], "Q": "Đang ở", "AW": "Lò Văn Pọm", "AR": "X",
            "AJ": "X", "AL": "X", "AS": "X", "AU": "Mồ côi cha", "AG": 4, "AH": 3, "AI": 2,
            "AC": 9, "AD": "2019-2020", "T": "Huyện Mường Ảng", "U": "THCS Búng Lao",
            "AA": "B-123"}
    path = build(tmp_path / "Bản Pồn.xls", [head, wife])
    result = validate(path, year=2021, keep_records=True,
                      context=Context(commune_code="03319"))
    assert result.report.ok, result.report.problems.to_dicts()
    assert result.report.problems.filter(pl.col("code") == "official_not_carried").height == 0
    assert result.records is not None
    first, second = result.records.sort("person_no").to_dicts()
    assert (first["religion"], first["priority"], first["address"], first["residence_status"],
            first["phone"], first["note"]) == ("Phật giáo", "Con thương binh", "Tổ 3", "Đang ở",
                                               "0912345678", "Hộ nghèo")  # the 0 Excel dropped
    assert (second["parent_name"], second["disability_types"], second["disability_certified"],
            second["disability"], second["status_detail"]) == (
        "Lò Văn Pọm", "vận động; nhìn", True, "học được", "Mồ côi cha")
    # AH 3 is literacy stage 1 (classes 1–3); AI 2 is a relapse at level 2.
    assert (second["literacy_class"], second["literacy_completed"], second["literacy_stage"],
            second["relapse_level"], second["relapsed"]) == (4, 3, 1, 2, True)
    assert (second["finished_grade"], second["finished_year"], second["school_district"],
            second["school_name"], second["diploma_no"]) == (
        9, 2020, "Huyện Mường Ảng", "THCS Búng Lao", "B-123")
    assert (first["relationship"], second["relationship"]) == ("Chủ hộ",
                                                               VILLAGES["Bản Pồn"][1][1]["AV"])


def test_a_cell_not_kept_is_reported_with_why(tmp_path: Path) -> None:
    """The head's name in L, M differs from the member marked "Chủ hộ" (AV): the head is
    that member, and the warning says so for each of the two rows naming someone else."""
    head, wife = (dict(p) for p in VILLAGES["Bản Pồn"][1][:2])
    head |= {"L": "Lò Văn", "M": "Khác"}
    wife |= {"L": "Lò Văn", "M": "Khác"}
    path = build(tmp_path / "Bản Pồn.xls", [head, wife])
    result = validate(path, year=2021, context=Context(commune_code="03319"))
    message = result.report.problems.filter(
        pl.col("code") == "official_not_carried")["message"].to_list()
    assert len(message) == 1 and ": 2 ô (tên chủ hộ ở cột L, M khác tên người ghi" in message[0]
