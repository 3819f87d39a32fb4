"""`phocap evaluate`, `outlook` and `people` from the command line."""

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from phocap.cli import app

FIXTURES = Path(__file__).parent.parent / "fixtures" / "survey"
runner = CliRunner()


def test_json_has_the_documented_shape(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = runner.invoke(app, ["evaluate", str(FIXTURES / "en.csv"), "--format", "json",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["year"] == 2021 and data["ruleset"] == "nd20-2014"
    by_code = {u["code"]: u for u in data["units"]}
    assert set(by_code) == {"11", "100", "03319", "03322"}
    commune = by_code["03319"]
    assert (commune["type"], commune["parent_code"], commune["especially_difficult"]) == (
        "commune", "100", False
    )
    assert set(commune["standards"]) == {"preschool_5", "primary", "lower_secondary", "literacy"}
    criterion = commune["standards"]["literacy"]["criteria"][1]
    assert set(criterion) >= {"key", "level", "numerator", "denominator", "rate", "threshold",
                              "passed", "source"}
    # Literacy level 2, ages 15–60: Hòa (primary completed) and Thủy (stage 2) are
    # literate; Páo (stage 1, relapsed) is not → 2/3 = 0.6667 < 0.9.
    assert (criterion["key"], criterion["numerator"], criterion["denominator"]) == (
        "literacy.2.literate", 2, 3
    )
    assert criterion["rate"] == 0.6667 and criterion["passed"] is False
    assert criterion["gap"] == 1 and criterion["source"] == "ND20 Art 21"
    assert commune["standards"]["literacy"]["level"] == 1
    assert by_code["11"]["type"] == "province" and by_code["100"]["parent_code"] == "11"


def test_json_is_a_unit_a_line_and_the_same_on_stdout(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    assert runner.invoke(app, ["evaluate", str(FIXTURES / "en.csv"), "--format", "json",
                               "--output", str(out)]).exit_code == 0
    printed = runner.invoke(app, ["evaluate", str(FIXTURES / "en.csv"), "--format", "json"])
    text = out.read_text(encoding="utf-8")
    assert json.loads(printed.output) == json.loads(text)
    lines = text.splitlines()
    # The head line, the four units (province 11, district 100, communes 03319 and 03322),
    # the closing line.
    assert len(lines) == 6 and lines[-1] == "]}"
    assert [json.loads(line.rstrip(","))["code"] for line in lines[1:5]] == [
        u["code"] for u in json.loads(text)["units"]]


def test_text_explains_in_vietnamese() -> None:
    result = runner.invoke(app, ["evaluate", str(FIXTURES / "en.csv")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Kết quả phổ cập giáo dục – xóa mù chữ năm 2021" in result.output
    assert ("XMC mức 2: người 15–60 tuổi biết chữ mức độ 2: 2/3 = 66,67% < 90,00% (thiếu 1"
            " người) [Điều 21 Nghị định 20/2014/NĐ-CP]") in " ".join(result.output.split())


def test_xlsx_has_results_and_criteria(tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    result = runner.invoke(app, ["evaluate", str(FIXTURES / "en.csv"), "--format", "xlsx",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Kết quả", "Tiêu chí", "Chỉ số"]
    header = [c.value for c in workbook["Tiêu chí"][1]]
    assert header[:8] == ["Mã", "Đơn vị", "Chuẩn", "Mức", "Tiêu chí", "Độ tuổi", "Tử số",
                          "Mẫu số"]


def test_invalid_input_gives_the_report_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    text = (FIXTURES / "en.csv").read_text(encoding="utf-8").replace("12/03/1985", "31/02/1985")
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(bad)], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "31/02/1985" in result.output


def test_bad_units_file_is_named(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text("code,name,type,parent_code,especially_difficult\n03319,X,village,100,1\n",
                     encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(FIXTURES / "en.csv"), "--units", str(units)],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "units.csv, dòng 2, cột type" in result.output


def test_people_lists_who_is_missing() -> None:
    result = runner.invoke(app, ["people", str(FIXTURES / "en.csv"), "--commune", "03319",
                                 "--criterion", "literacy.2.literate"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Giàng A Páo" in result.output and "Tái mù chữ" in result.output


def test_outlook_runs() -> None:
    result = runner.invoke(app, ["outlook", str(FIXTURES / "en.csv")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Dự báo năm 2022" in result.output
