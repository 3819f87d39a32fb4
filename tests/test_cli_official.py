"""The command line on the ministry's files, as officers have them: several village files."""

import json
import zipfile
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from phocap.cli import app
from tests.survey.official_template import build
from tests.survey.test_official_read import VILLAGES

FIXTURES = Path(__file__).parent / "fixtures" / "survey"
runner = CliRunner()
UNITS = (
    "code,name,type,parent_code,especially_difficult\n"
    "11,Tỉnh Điện Biên,province,,0\n"
    "100,Thành phố Điện Biên Phủ,district,11,0\n"
    "03319,Xã Mường Pồn,commune,100,1\n"
)


def village_files(folder: Path, suffix: str = ".xls") -> list[str]:
    return [
        str(build(folder / f"{village}{suffix}", people))
        for village, (code, people) in VILLAGES.items()
        if code == "03319"
    ]


def test_validate_several_village_files(tmp_path: Path) -> None:
    files = village_files(tmp_path)
    result = runner.invoke(app, ["validate", *files, "--commune", "03319", "--year", "2021"])
    assert result.exit_code == 0, result.output
    assert "7 dòng, 0 lỗi" in result.output


def test_validate_names_the_bad_cell(tmp_path: Path) -> None:
    files = village_files(tmp_path)
    people = [dict(p) for p in VILLAGES["Bản Pồn"][1]]
    people[1]["AF"] = "1998-1997"
    files[0] = str(build(Path(files[0]), people))
    result = runner.invoke(app, ["validate", *files, "--commune", "03319", "--year", "2021"],
                           env={"COLUMNS": "300"})
    assert result.exit_code == 2, result.output
    for part in ("Bản Pồn.xls", "1998-1997", "AF (Bỏ học – Năm)"):
        assert part in result.output


def test_the_xlsx_report_covers_every_file(tmp_path: Path) -> None:
    # A bad cell in each of the two village files: the report copies both faulty rows.
    files = village_files(tmp_path)
    for path, village, row in ((files[0], "Bản Pồn", 1), (files[1], "Bản Pá Ngam", 2)):
        people = [dict(p) for p in VILLAGES[village][1]]
        people[row]["G"] = "X"
        build(Path(path), people)
    report = tmp_path / "bao-cao.xlsx"
    result = runner.invoke(app, ["validate", *files, "--commune", "03319", "--year", "2021",
                                 "--xlsx", str(report)])
    assert result.exit_code == 2, result.output
    book = openpyxl.load_workbook(report)
    assert book.sheetnames == ["Lỗi và cảnh báo", "1. Bản Pồn", "2. Bản Pá Ngam"]
    problems = [[c.value for c in r] for r in book["Lỗi và cảnh báo"].iter_rows(min_row=2)]
    assert sorted((p[0], p[2], p[3], p[4]) for p in problems if p[5] == "Lỗi") == [
        ("Bản Pá Ngam.xls", 7, "G (Năm sinh)", "X"), ("Bản Pồn.xls", 6, "G (Năm sinh)", "X")]
    assert [c.value for c in book["1. Bản Pồn"]["A"]] == ["Dòng", 6]
    assert [c.value for c in book["2. Bản Pá Ngam"]["A"]] == ["Dòng", 7]


def test_validate_without_the_commune_says_what_to_give(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", *village_files(tmp_path), "--year", "2021"])
    assert result.exit_code == 2
    assert "--commune" in result.output


def test_evaluate_village_files_like_our_own_format(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text(UNITS, encoding="utf-8")
    lines = (FIXTURES / "en.csv").read_text(encoding="utf-8").splitlines()
    ours = tmp_path / "ours.csv"
    ours.write_text("\n".join([lines[0], *[x for x in lines[1:] if ",03319," in x]]) + "\n",
                    encoding="utf-8")
    expected, actual = tmp_path / "ours.json", tmp_path / "r.json"
    result = runner.invoke(app, ["evaluate", str(ours), "--year", "2021", "--units", str(units),
                                 "--format", "json", "--output", str(expected)])
    assert result.exit_code == 0, result.output
    files = village_files(tmp_path, ".xlsx")
    result = runner.invoke(app, ["evaluate", *files, "--commune", "03319", "--year", "2021",
                                 "--units", str(units), "--format", "json", "--output",
                                 str(actual)])
    assert result.exit_code == 0, result.output
    mine = json.loads(actual.read_text(encoding="utf-8"))
    assert mine == json.loads(expected.read_text(encoding="utf-8"))
    commune = next(u for u in mine["units"] if u["code"] == "03319")
    assert {s: v["level"] for s, v in commune["standards"].items()}  # levels were evaluated


def test_export_official_then_read_it_back(tmp_path: Path) -> None:
    target = tmp_path / "03319.zip"
    result = runner.invoke(app, ["export-official", str(FIXTURES / "en.csv"), "--commune",
                                 "03319", "--output", str(target)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "2 thôn, 7 người" in result.output and "số định danh" in result.output
    with zipfile.ZipFile(target) as archive:
        archive.extractall(tmp_path / "out")
    files = sorted(str(p) for p in (tmp_path / "out").glob("*.xls"))
    assert [Path(f).name for f in files] == ["Bản Pá Ngam.xls", "Bản Pồn.xls"]
    result = runner.invoke(app, ["validate", *files, "--commune", "03319", "--year", "2021"])
    assert result.exit_code == 0, result.output


def test_export_official_needs_one_commune(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export-official", str(FIXTURES / "en.csv"), "--output",
                                 str(tmp_path / "x.zip")])
    assert result.exit_code == 2 and "--commune" in result.output
