"""The forms' workbook read back: titles, merged headers, totals, rates, signatures."""

from __future__ import annotations

import openpyxl
import pytest
from forms_fixture import YEAR, table_and_units

from phocap.reports.forms import CODES_BEFORE_ND277, build_forms, name_lists
from phocap.reports.xlsx import sheet_name, write_forms


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    folder = tmp_path_factory.mktemp("xlsx")
    table, units = table_and_units(folder)
    forms = build_forms(table, YEAR, units, "901") + name_lists(table, YEAR, units, "901")
    return openpyxl.load_workbook(write_forms(forms, folder / "forms.xlsx"))


def find(sheet: openpyxl.worksheet.worksheet.Worksheet, text: str) -> tuple[int, int]:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(f"{text!r} not on {sheet.title}")


def test_one_sheet_per_form_named_by_code(workbook: openpyxl.Workbook) -> None:
    """Eleven forms, then four lists for each of the two communes (the second set numbered)."""
    assert workbook.sheetnames[:11] == list(CODES_BEFORE_ND277)
    assert workbook.sheetnames[11:15] == ["DS-MN", "DS-TH", "DS-THCS", "DS-XMC"]
    assert workbook.sheetnames[15] == "DS-MN (2)"


def test_th_02_title_headers_totals_and_rates(workbook: openpyxl.Workbook) -> None:
    """Rows 90101 (3 six-year-olds in PPC, 2 in grade 1) and 90102 (1, 1); total 4 and 3,
    rate 3/4 = 75% shown as a percentage, in bold."""
    sheet = workbook["TH-02"]
    assert sheet["A1"].value == "Tỉnh: Tỉnh Chín Mươi"
    assert sheet["A2"].value == "Huyện: Huyện Chín Linh Một"
    title_row, _ = find(sheet, "THỐNG KÊ KẾT QUẢ PHỔ CẬP GIÁO DỤC TIỂU HỌC")
    header_row, six = find(sheet, "Trẻ 6 tuổi")
    assert header_row > title_row
    merged = {str(r) for r in sheet.merged_cells.ranges}
    letter = openpyxl.utils.get_column_letter
    assert f"{letter(six)}{header_row}:{letter(six + 2)}{header_row}" in merged
    assert f"A{header_row}:A{header_row + 1}" in merged  # STT spans both header rows
    assert [sheet.cell(header_row + 1, six + i).value for i in range(3)] == [
        "Phải phổ cập", "Vào lớp 1", "Tỷ lệ"]
    first = header_row + 2
    ppc = [sheet.cell(first + i, six).value for i in range(3)]
    assert ppc == [3, 1, 4] and ppc[2] == ppc[0] + ppc[1]
    total_rate = sheet.cell(first + 2, six + 2)
    assert total_rate.value == 0.75 and total_rate.number_format == "0.00%"
    assert sheet.cell(first + 2, 2).value == "Cộng" and sheet.cell(first + 2, 2).font.b
    assert not sheet.cell(first, 2).font.b
    assert sheet.freeze_panes == f"C{header_row + 2}"


def test_signature_block_and_print_setup(workbook: openpyxl.Workbook) -> None:
    sheet = workbook["TH-02"]
    place_row, _ = find(sheet, "Huyện Chín Linh Một, ngày … tháng … năm 2021")
    signer_row, _ = find(sheet, "NGƯỜI LẬP BIỂU")
    head_row, _ = find(sheet, "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO")
    assert place_row < signer_row == head_row
    assert sheet.cell(signer_row + 1, 1).value == "(Ký, ghi rõ họ tên)"  # one-line titles
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    # fit to one page wide (XlsxWriter leaves out the default width of 1), any height
    assert sheet.page_setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows is not None


def test_commune_signature_and_two_line_title(workbook: openpyxl.Workbook) -> None:
    """A name list of a commune is signed by the people's committee: two lines and the seal."""
    sheet = workbook["DS-MN"]
    row, col = find(sheet, "TM. ỦY BAN NHÂN DÂN")
    assert sheet.cell(row + 1, col).value == "CHỦ TỊCH"
    assert sheet.cell(row + 2, col).value == "(Ký tên, đóng dấu)"
    assert find(sheet, "NGƯỜI LẬP BIỂU")[0] == row
    assert find(sheet, "(Ký, ghi rõ họ tên)")[0] == row + 2  # hints on one line


def test_sheet_names_stay_unique_and_short() -> None:
    taken: set[str] = set()
    assert [sheet_name("DS-XMC", taken) for _ in range(3)] == ["DS-XMC", "DS-XMC (2)",
                                                               "DS-XMC (3)"]
    assert len(sheet_name("X" * 40, taken)) == 31
