"""The printed dossier: a small hand-built dossier rendered, then read back with poppler.

Poppler (Debian's poppler-utils: pdftotext, pdffonts, pdfinfo, pdftoppm) reads
the PDF as a printer or a reader would; the pages are kept as PNG images in
test-artifacts/dossier/ to be looked at.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import unicodedata
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from reportlab.platypus import Table

from phocap.numbers import integer, threshold
from phocap.reports import pdf, typeface
from phocap.reports.dossier import (
    Criterion,
    DossierContent,
    Minutes,
    Step,
    vi_date,
)
from phocap.reports.model import Column, Form, Row, Signature
from phocap.rules import citation

POPPLER = ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm")
needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in POPPLER),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo, pdftoppm) is not installed")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "dossier"

# Primary level 1 of a commune in 2021, as the engine's JSON stores it in a dossier:
# 20 of the 21 six-year-olds in grade 1 or higher (95,24% ≥ 90%), and 1.234 of the
# 1.600 fourteen-year-olds having completed primary (77,13% half-up < 80%).
SNAPSHOT: dict[str, Any] = {"ruleset": "nd20-2014", "year": 2021, "level": 0, "result": {
    "level": 0, "conditions": "not_assessed", "unmet_prerequisites": [], "criteria": [
        {"key": "primary.1.grade_1_at_6", "level": 1, "numerator": 20, "denominator": 21,
         "rate": 0.9524, "threshold": 0.9, "passed": True, "source": "ND20 Art 9",
         "mark": "law", "gap": 0, "ages": [6, 6]},
        {"key": "primary.1.completed_at_14", "level": 1, "numerator": 1234,
         "denominator": 1600, "rate": 0.7712, "threshold": 0.8, "passed": False,
         "source": "ND20 Art 9", "mark": "law", "gap": 46, "ages": [14, 14]},
    ]}}


def six_year_olds(villages: int = 2) -> Form:
    """A form with a two-level header, a rate column and a totals row."""
    columns = (Column("label", ("Thôn, bản",)),
               Column("total", ("Số trẻ 6 tuổi", "Tổng số")),
               Column("female", ("Số trẻ 6 tuổi", "Nữ")),
               Column("grade1", ("Đang học lớp 1",)),
               Column("rate", ("Tỷ lệ",), rate=True))
    rows = [Row(f"Bản Pồn {n}", {"label": f"Bản Pồn {n}", "total": 10 + n, "female": 5,
                                 "grade1": 10,
                                 "rate": Fraction(10, 10 + n)}, code=f"v{n}")
            for n in range(villages)]
    rows.append(Row("Cộng", {"label": "Cộng", "total": 21, "female": 10, "grade1": 20,
                             "rate": Fraction(20, 21)}, total=True, code="03158"))
    return Form(code="TH-M1", title="THỐNG KÊ TRẺ 6 TUỔI VÀO LỚP 1", year=2021,
                unit_code="03158", headings=("Tỉnh: Điện Biên", "Xã: Mường Pồn"),
                columns=columns, rows=tuple(rows),
                signatures=(Signature("NGƯỜI LẬP BIỂU"),
                            Signature("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", seal=True)),
                place_date="Mường Pồn, ngày 05 tháng 10 năm 2021")


def wide_form() -> Form:
    """Fourteen age columns do not fit upright: this one goes on landscape pages."""
    ages = tuple(Column(f"age{a}", ("Số người theo độ tuổi", f"{a} tuổi"))
                 for a in range(15, 29))
    rows = tuple(Row(f"Bản Xa Lửng {n}", {"label": f"Bản Xa Lửng {n}"}
                     | {c.key: 1000 + n for c in ages}) for n in range(70))
    columns = (Column("label", ("Thôn, bản",)), *ages)
    return Form(code="XMC-M2", title="THỐNG KÊ NGƯỜI 15–28 TUỔI", year=2021, unit_code="03158",
                headings=("Xã: Mường Pồn",), columns=columns, rows=rows)


def name_list() -> Form:
    # Typed the way some keyboards store it: letters and tone marks as separate characters.
    decomposed = unicodedata.normalize("NFD", "Lò Thị Ngọc Hường")
    return Form(code="DS-TH", title="DANH SÁCH HOÀN THÀNH CHƯƠNG TRÌNH TIỂU HỌC", year=2021,
                unit_code="03158", headings=("Xã: Mường Pồn",),
                columns=(Column("stt", ("STT",)), Column("full_name", ("Họ và tên",)),
                         Column("birth", ("Năm sinh",)), Column("village", ("Thôn, bản",))),
                rows=(Row(decomposed, {"stt": 1, "full_name": decomposed, "birth": "2007",
                                       "village": "Bản Pồn"}),
                      Row("Quàng Văn Đức", {"stt": 2, "full_name": "Quàng Văn Đức",
                                            "birth": "2007", "village": "Bản Xa Lửng"})))


def content(decided: bool = False, **changes: Any) -> DossierContent:
    history = [Step("submit", dt.datetime(2021, 10, 10, 9), "can-bo-xa", "Hồ sơ đủ.")]
    minutes = [Minutes("self_check", "Ủy ban nhân dân\nXã Mường Pồn")]
    if decided:
        history.append(Step("decide", dt.datetime(2021, 11, 1), "huyen", "", "12/QĐ-UBND",
                            dt.date(2021, 11, 1), "Chủ tịch UBND huyện", 0))
        minutes.append(Minutes("inspection", "Ủy ban nhân dân\nHuyện Điện Biên"))
    fields: dict[str, Any] = {
        "unit_name": "Xã Mường Pồn", "unit_type": "commune",
        "parents": ("Tỉnh Điện Biên", "Huyện Điện Biên"), "standard": "primary",
        "level_claimed": 1, "reviewer": "Ủy ban nhân dân huyện Điện Biên",
        "forms": (six_year_olds(), wide_form()), "name_lists": (name_list(),),
        "history": tuple(history), "minutes": tuple(minutes), "place": "Mường Pồn",
        "issued": dt.date(2021, 10, 5)}
    return DossierContent.from_snapshot(SNAPSHOT, **(fields | changes))


def poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dossier") / "ho-so.pdf"
    path.write_bytes(pdf.render(content(decided=True)))
    return path


def test_vietnamese_numbers_dates_and_citations() -> None:
    assert integer(1234567) == "1.234.567"
    assert threshold(Fraction(9, 10)) == "90%"
    assert threshold(Fraction(37, 40)) == "92,5%"
    # Decree 30/2020: a zero before days 1–9 and months 1–2 only.
    assert vi_date(dt.date(2021, 3, 5)) == "ngày 05 tháng 3 năm 2021"
    assert vi_date(dt.date(2022, 1, 15)) == "ngày 15 tháng 01 năm 2022"
    # As officers cite the law (issue 14): "Điều 9 Nghị định 20/2014/NĐ-CP", never "ND20 Art 9".
    assert citation("ND20 Art 9; ND143/2025") == (
        "Điều 9 Nghị định 20/2014/NĐ-CP; Nghị định 143/2025/NĐ-CP")


def test_the_criteria_come_from_the_snapshot_with_exact_rates() -> None:
    first, second = content().criteria
    assert first.rate == Fraction(20, 21) and first.threshold == Fraction(9, 10)
    assert first.sentence() == (
        "Tiểu học mức 1: trẻ 6 tuổi đang học lớp 1 trở lên: 20/21 người, tỷ lệ 95,24% (yêu cầu"
        " từ 90%, Điều 9 Nghị định 20/2014/NĐ-CP): đạt.")
    # Exact, from the counts (the stored rate is rounded); shown to two decimals as the
    # engine shows it everywhere (phocap.numbers).
    assert second.rate == Fraction(1234, 1600)
    # 1234 × 100 / 1600 = 77.125 exactly: half-up gives 77,13 (binary float gave 77,12).
    assert "1.234/1.600 người, tỷ lệ 77,13%" in second.sentence()
    assert second.sentence().endswith(": chưa đạt.")
    empty = Criterion("primary.1.grade_1_at_6", "Tiểu học", 1, 0, 0, Fraction(9, 10),
                      "ND20 Art 9", None)
    assert "không áp dụng" in empty.sentence()
    assert content().located == "Xã Mường Pồn, huyện Điện Biên, tỉnh Điện Biên"
    assert content().conclusion().startswith(
        "Căn cứ kết quả điều tra năm 2021 (theo Nghị định 20/2014/NĐ-CP về phổ cập giáo dục,"
        " xóa mù chữ), Xã Mường Pồn chưa đạt chuẩn"
        " phổ cập giáo dục tiểu học; đơn vị đề nghị công nhận mức độ 1")


def test_text_the_font_cannot_draw_is_refused_before_anything_is_drawn() -> None:
    with pytest.raises(typeface.MissingGlyphs, match="☃"):
        pdf.render(content(unit_name="Xã ☃"))


@needs_poppler
def test_the_dossier_reads_back_in_correct_vietnamese(rendered: Path) -> None:
    text = poppler("pdftotext", "-layout", str(rendered), "-")
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Mường Pồn, ngày 05 tháng 10 năm 2021", "BÁO CÁO",
                     "BIÊN BẢN TỰ KIỂM TRA", "BIÊN BẢN KIỂM TRA", "Biên bản",
                     "Lò Thị Ngọc Hường", "95,24%", "77,13%", "1.234", "Quyết định số 12/QĐ-UBND",
                     "TRƯỞNG ĐOÀN KIỂM TRA", "(Ký tên, đóng dấu)", "NGƯỜI LẬP BIỂU",
                     "THEO DÕI QUÁ TRÌNH XÉT HỒ SƠ", "Nộp hồ sơ"):
        assert expected in text, expected
    # The name typed decomposed comes out composed (NFC), as one letter per glyph.
    assert unicodedata.normalize("NFD", "Lò Thị Ngọc Hường") not in text
    assert typeface.missing(text) == set()


@needs_poppler
def test_only_the_vendored_fonts_are_used_and_all_are_embedded(rendered: Path) -> None:
    listing = poppler("pdffonts", str(rendered)).splitlines()[2:]
    names = {line.split()[0].split("+")[-1] for line in listing}
    assert names == {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"}
    assert all(line.split()[-5] == "yes" for line in listing), listing  # the "emb" column


@needs_poppler
def test_wide_forms_are_landscape_and_long_tables_repeat_their_header(rendered: Path) -> None:
    info = poppler("pdfinfo", "-f", "1", "-l", "999", str(rendered))
    sizes = [tuple(float(v) for v in m) for m in
             re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert len(sizes) == pages
    assert sizes[0][0] < sizes[0][1]  # the report: A4 upright

    def page_text(number: int) -> str:
        return poppler("pdftotext", "-f", str(number), "-l", str(number), str(rendered), "-")

    wide = [n for n in range(1, pages + 1) if "Bản Xa Lửng" in page_text(n)
            and "Số người theo độ tuổi" in page_text(n)]
    assert len(wide) >= 2, "70 villages take more than one page"
    assert all(sizes[n - 1][0] > sizes[n - 1][1] for n in wide)  # landscape
    assert "Số người theo độ tuổi" in page_text(wide[-1])  # header repeated
    # Page numbers: none on the first page, centred at the top from the second.
    assert page_text(2).lstrip().startswith("2")
    assert not page_text(1).lstrip().startswith("1")


@needs_poppler
def test_the_pages_render_to_images(rendered: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("trang-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(rendered), str(ARTIFACTS / "trang")],
                   check=True)
    images = sorted(ARTIFACTS.glob("trang-*.png"))
    pages = int(re.search(r"Pages:\s+(\d+)",  # type: ignore[union-attr]
                          poppler("pdfinfo", str(rendered))).group(1))
    assert len(images) == pages >= 6
    assert all(image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for image in images)


@needs_poppler
def test_before_a_decision_only_the_self_check_minutes_are_printed(tmp_path: Path) -> None:
    path = tmp_path / "nop.pdf"
    path.write_bytes(pdf.render(content(decided=False)))
    text = poppler("pdftotext", str(path), "-")
    assert "BIÊN BẢN TỰ KIỂM TRA" in text and "BIÊN BẢN KIỂM TRA" not in text
    assert "TM. BAN CHỈ ĐẠO" in text


@needs_poppler
def test_an_empty_name_list_says_so(tmp_path: Path) -> None:
    path = tmp_path / "trong.pdf"
    empty = dataclasses.replace(name_list(), rows=())
    path.write_bytes(pdf.render(content(forms=(), name_lists=(empty,))))
    text = poppler("pdftotext", str(path), "-")
    assert "DANH SÁCH HOÀN THÀNH CHƯƠNG TRÌNH TIỂU HỌC" in text
    assert "Không có ai trong danh sách này." in text


@needs_poppler
def test_withheld_name_lists_are_said_so_and_not_printed(tmp_path: Path) -> None:
    path = tmp_path / "bo.pdf"
    path.write_bytes(pdf.render(content(name_lists=(), name_lists_withheld=True)))
    text = poppler("pdftotext", str(path), "-")
    assert "Lò Thị Ngọc Hường" not in text
    assert "không được in" in text


def test_a_form_table_repeats_its_header_and_sets_totals_in_bold() -> None:
    writer = pdf._Writer(content())
    table = next(f for f in writer.form(six_year_olds()) if isinstance(f, Table))
    assert table.repeatRows == 2  # both header rows, on every page
    cells = table._cellvalues
    assert [c.getPlainText() if c else "" for c in cells[0]] == [
        "Thôn, bản", "Số trẻ 6 tuổi", "", "Đang học lớp 1", "Tỷ lệ"]
    assert [c.getPlainText() if c else "" for c in cells[1]] == ["", "Tổng số", "Nữ", "", ""]
    # Merged: "Số trẻ 6 tuổi" across two columns, the single-level headings down two rows.
    assert sorted(table._spanCmds) == sorted([
        ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (2, 0)), ("SPAN", (3, 0), (3, 1)),
        ("SPAN", (4, 0), (4, 1))])
    assert [c.getPlainText() for c in cells[2]] == ["Bản Pồn 0", "10", "5", "10", "100,00%"]
    assert [c.getPlainText() for c in cells[-1]] == ["Cộng", "21", "10", "20", "95,24%"]
    # The face each piece of text is drawn in (not merely the style's name).
    assert {frag.fontName for c in cells[-1] for frag in c.frags} == {typeface.BOLD}
    assert {frag.fontName for c in cells[2] for frag in c.frags} == {typeface.REGULAR}


def test_a_districts_criterion_reads_in_words_and_counts_communes() -> None:
    """Issue 14: a district's share printed as its key and counted in "đơn vị". 14 of 15
    communes at primary level 3 against 90%: 14/15 = 93,33% ≥ 90%."""
    share = Criterion.from_json({
        "key": "primary.3.share_of_communes", "level": 3, "numerator": 14, "denominator": 15,
        "rate": 0.9333, "threshold": 0.9, "passed": True, "source": "ND20 Art 11",
        "mark": "law", "gap": 0})
    assert share.sentence() == (
        "Tỷ lệ xã đạt chuẩn PCGDTH mức độ 3: 14/15 xã, tỷ lệ 93,33% (yêu cầu từ 90%, Điều 11"
        " Nghị định 20/2014/NĐ-CP): đạt.")


# Primary level 3 claimed in 2021: level 2 reached, level 3's 11-year-olds at 85,00%
# (17/20) below its [unverified] 90% (ND20 Art 11, from a news report): had the threshold
# been lower the level could be 3, so the verdict rests on it.
MARKED: dict[str, Any] = {"ruleset": "nd20-2014", "year": 2021, "level": 2, "result": {
    "level": 2, "conditions": "not_assessed", "unmet_prerequisites": [], "criteria": [
        {"key": "primary.2.completed_at_11", "level": 2, "numerator": 17, "denominator": 20,
         "rate": 0.85, "threshold": 0.8, "passed": True, "source": "ND20 Art 10",
         "mark": "law", "gap": 0, "ages": [11, 11]},
        {"key": "primary.3.completed_at_11", "level": 3, "numerator": 17, "denominator": 20,
         "rate": 0.85, "threshold": 0.9, "passed": False, "source": "ND20 Art 11",
         "mark": "unverified", "gap": 1, "ages": [11, 11]},
    ]}}


@needs_poppler
def test_a_verdict_resting_on_an_unverified_criterion_says_so_and_what_it_means(
        tmp_path: Path) -> None:
    from phocap.rules import words

    marked = DossierContent.from_snapshot(MARKED, **{
        f.name: getattr(content(), f.name) for f in dataclasses.fields(DossierContent)
        if f.name not in ("year", "ruleset", "level_computed", "criteria",
                          "unmet_prerequisites", "conditions")} | {"level_claimed": 3})
    assert [c.mark for c in marked.criteria] == ["law", "unverified"]
    assert marked.verdict_note() == (
        "Mức này dựa vào: Tiểu học mức 3: trẻ 11 tuổi đã hoàn thành chương trình tiểu học"
        " (chưa kiểm chứng). Nếu văn bản chính thức hoặc cơ quan công nhận khác, mức này có"
        " thể thay đổi.")
    path = tmp_path / "dau.pdf"
    path.write_bytes(pdf.render(marked))
    text = " ".join(poppler("pdftotext", str(path), "-").split())
    assert marked.verdict_note() in text
    assert words.explained("primary.3.completed_at_11", "unverified") in text
    # A snapshot stored before marks were kept reads as law: nothing to explain.
    old = dict(MARKED["result"]["criteria"][1])
    del old["mark"]
    assert Criterion.from_json(old).caveat == ""
