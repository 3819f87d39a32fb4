"""Each value of the template's coded columns, read into the survey record.

One household of adults and children, one row per value, survey year 2023.
"""

from pathlib import Path

import polars as pl
import pytest

from phocap.survey.official.layout import DISABILITY_LETTERS
from phocap.survey.official.reading import Context
from phocap.survey.schema import DISABILITY_TYPES
from phocap.survey.validate import validate
from tests.survey.official_template import build

YEAR = 2023


def rows(people: list[dict[str, object]]) -> list[dict[str, object]]:
    """Each person heads a household of their own (Số phiếu 1, 2, …)."""
    return [
        {"C": "Lò Văn", "D": f"Một{i}", "G": 1980, "O": str(i), "P": "Thường trú",
         "I": "Thái", "AV": "Chủ hộ", **person}
        for i, person in enumerate(people, start=1)
    ]


def read(tmp_path: Path, people: list[dict[str, object]], suffix: str = ".xls") -> pl.DataFrame:
    path = build(tmp_path / f"Bản Pồn{suffix}", rows(people))
    result = validate(path, year=YEAR, keep_records=True, context=Context(commune_code="03319"))
    assert result.report.ok, result.report.problems.to_dicts()
    assert result.records is not None
    return result.records.sort("source_row")


KHOI = [
    ({"R": "Nhà trẻ", "G": 2021}, "NT"),
    ({"R": "3 tuổi", "G": 2020}, "MG3"),
    ({"R": "4 tuổi", "G": 2019}, "MG4"),
    ({"R": "5 tuổi", "G": 2018}, "MG5"),
    *[({"R": g, "G": 2017 - g}, str(g)) for g in range(1, 13)],
    *[({"R": g, "X": "X", "G": 2010 - g}, f"BT{g}") for g in range(6, 13)],
    ({"R": 5, "S": "5A!", "G": 2012}, "5!"),
    ({"R": 5, "S": "5B*", "G": 2012}, "5*"),
    ({"R": "Sơ cấp", "G": 2005}, "SC"),
    ({"R": "Trung cấp", "G": 2005}, "TC"),
    ({"R": "Cao đẳng", "G": 2003}, "CD"),
    ({"R": "Đại học", "G": 2003}, "DH"),
]


def test_each_khoi_hoc_value(tmp_path: Path) -> None:
    records = read(tmp_path, [person for person, _ in KHOI])
    assert records["current_class"].to_list() == [code for _, code in KHOI]
    # S keeps the class's name beside its marks; X is the continuing-education mark.
    assert [n for n in records["class_name"].to_list() if n] == ["5A", "5B"]
    assert records["continuing"].to_list() == [code.startswith("BT") for _, code in KHOI]


def test_continuing_education_below_grade_6_is_kept_as_its_mark(tmp_path: Path) -> None:
    records = read(tmp_path, [{"R": 4, "X": "X", "G": 2011}])
    assert (records["current_class"][0], records["continuing"][0]) == ("4", True)


@pytest.mark.parametrize("suffix", [".xls", ".xlsx"])
def test_each_bac_tot_nghiep_value_with_its_school_year(tmp_path: Path, suffix: str) -> None:
    levels = ["MN", "TH", "THCS", "THPT"]
    records = read(tmp_path, [{"W": w, "Y": "2000-2001"} for w in levels], suffix)
    columns = ["preschool_completed", "primary_completed", "thcs_graduated", "thpt_graduated"]
    for row, column in enumerate(columns):
        person = records.row(row, named=True)
        assert person[column] == 2001  # the school year 2000-2001 ends in 2001
        assert all(person[c] is None for c in columns if c != column)


def test_vocational_levels_and_years(tmp_path: Path) -> None:
    levels = ("Sơ cấp", "Trung cấp", "THCN", "Cao đẳng", "Đại học", "Thạc sĩ", "Tiến sĩ")
    people = [{"Z": z, "AB": "2004-2005", "AA": f"B{n}"} for n, z in enumerate(levels)]
    records = read(tmp_path, people)
    assert records["vocational_level"].to_list() == ["sơ cấp", "trung cấp", "trung cấp",
                                                      "cao đẳng", "đại học", "thạc sĩ",
                                                      "tiến sĩ"]
    assert records["vocational_completed"].to_list() == [2005] * 7
    assert records["diploma_no"].to_list() == [f"B{n}" for n in range(7)]


def test_literacy_columns(tmp_path: Path) -> None:
    # AH: literacy classes completed (1–3 stage 1, 4–5 stage 2); AI: relapse level 1 or 2.
    people = [{"AH": n, "AC": 0} for n in range(1, 6)] + [{"AI": 1}, {"AI": 2}, {"AG": 2}]
    records = read(tmp_path, people)
    assert records["literacy_completed"].to_list() == [1, 2, 3, 4, 5, None, None, None]
    assert records["literacy_stage"].to_list() == [None, None, 1, 1, 2, None, None, None]
    assert records["relapse_level"].to_list() == [None] * 5 + [1, 2, None]
    assert records["relapsed"].to_list() == [False] * 5 + [True, True, False]
    assert records["literacy_class"].to_list() == [None] * 7 + [2]


def test_history_columns(tmp_path: Path) -> None:
    people = [
        {"AC": 9, "AD": "2019-2020"},  # finished grade 9 without the diploma
        {"AE": 7, "AF": "2015-2016"},  # dropped out of grade 7: grade 6 finished
    ]
    records = read(tmp_path, people)
    assert records["highest_grade"].to_list() == [9, 6]
    assert records["finished_grade"].to_list() == [9, None]
    assert records["finished_year"].to_list() == [2020, None]
    assert records["thcs_graduated"].to_list() == [None, None]
    assert records["dropout_grade"].to_list() == [None, 7]
    assert records["dropout_year"].to_list() == [None, 2016]


@pytest.mark.parametrize("letter", ["AJ", "AK", "AL", "AM", "AN", "AO", "AP", "AQ"])
def test_each_disability_column(tmp_path: Path, letter: str) -> None:
    records = read(tmp_path, [{letter: "X", "AS": "X", "AR": "X"}, {letter: "x"}, {}])
    assert records["disability"].to_list() == ["học được", "không học được", None]
    kind = DISABILITY_TYPES[DISABILITY_LETTERS.index(letter)]
    assert records["disability_types"].to_list() == [kind, kind, None]
    assert records["disability_certified"].to_list() == [True, False, False]


def test_each_special_circumstance(tmp_path: Path) -> None:
    values = ["Chuyển đến", "Chuyển đi", "Chết", None]
    records = read(tmp_path, [{"AT": v, "AU": f"chi tiết {v}"} if v else {} for v in values])
    assert records["status"].to_list() == ["chuyển đến", "chuyển đi", "chết", None]
    assert records["status_detail"].to_list() == ["chi tiết Chuyển đến", "chi tiết Chuyển đi",
                                                   "chi tiết Chết", None]


def test_sex_ethnicity_and_residence(tmp_path: Path) -> None:
    people = [{"H": "X", "I": "Mông", "P": "Tạm trú"}, {"I": "Kinh"}, {"H": "Nữ"}]
    records = read(tmp_path, people)
    assert records["sex"].to_list() == ["nữ", "nam", "nữ"]
    assert records["ethnicity"].to_list() == ["Mông", "Kinh", "Thái"]
    assert records["residence"].to_list() == ["tạm trú", "thường trú", "thường trú"]


def test_numbers_typed_as_text_or_decimals_read_the_same(tmp_path: Path) -> None:
    people = [{"E": "7", "F": "3", "G": "1991"}, {"E": 7.0, "F": 3.0, "G": 1991.0},
              {"E": 7, "F": 3, "G": 1991}]
    records = read(tmp_path, people, ".xlsx")
    assert [d.isoformat() for d in records["birth_date"].to_list()] == ["1991-03-07"] * 3
