"""The printable recognition dossier: report, forms, name lists and minutes, as one PDF.

Presentation follows Decree 30/2020/NĐ-CP (Appendix I) for administrative
documents: A4; margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New
Roman's metrics (``typeface``); the issuing body at the top left opposite the
national motto, the place and date in italics under it; the title in bold
capitals (the national name in 12 pt, the motto in 13 pt, both bold); the page
number centred in the top margin from the second page, in 13 pt; signature
blocks with the signer's capacity in bold capitals over the hint of what to
sign and seal. A wide form gets a landscape page (Appendix I allows it for
tables). Vietnamese text is normalised to NFC and every character checked
against the font before a page is drawn: a missing glyph would print as an
empty box in a signed document.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from phocap import numbers
from phocap.reports import typeface
from phocap.reports.dossier import (
    ACTIONS_VI,
    PASSED_VI,
    DossierContent,
    Minutes,
    vi_date,
)
from phocap.reports.model import Form, Signature
from phocap.reports.pdf_tables import form_table, natural_widths
from phocap.rules import citation

MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}
BODY_SIZE = 13
TABLE_SIZE = 10
SMALLEST_TABLE_SIZE = 6
TYPE_VI = {"commune": "xã", "district": "huyện", "province": "tỉnh"}
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def _styles() -> dict[str, ParagraphStyle]:
    typeface.register()
    base = ParagraphStyle("body", fontName=typeface.REGULAR, fontSize=BODY_SIZE,
                          leading=BODY_SIZE * 1.3, alignment=TA_JUSTIFY, firstLineIndent=10 * mm,
                          spaceAfter=4)

    def like(name: str, **changes: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **changes)

    centre = {"alignment": TA_CENTER, "firstLineIndent": 0}
    small = {"fontSize": TABLE_SIZE, "leading": TABLE_SIZE * 1.2, "firstLineIndent": 0,
             "spaceAfter": 0}
    return {
        "body": base,
        "plain": like("plain", firstLineIndent=0),
        "heading": like("heading", fontName=typeface.BOLD, firstLineIndent=0, spaceBefore=6),
        "title": like("title", fontName=typeface.BOLD, fontSize=14, leading=18, **centre),
        "subtitle": like("subtitle", fontName=typeface.BOLD, **centre),
        "centre": like("centre", **centre),
        "body_centre_bold": like("body_centre_bold", fontName=typeface.BOLD, fontSize=12,
                                 leading=15, **centre),
        "body_centre": like("body_centre", fontSize=12, leading=15, **centre),
        "motto": like("motto", fontName=typeface.BOLD, fontSize=12, leading=15, **centre),
        "date": like("date", fontName=typeface.ITALIC, **centre),
        "hint": like("hint", fontName=typeface.ITALIC, fontSize=12, leading=15, **centre),
        "small_italic": like("small_italic", fontName=typeface.ITALIC, fontSize=11, leading=14,
                             alignment=TA_LEFT, firstLineIndent=0),
        "head": like("head", fontName=typeface.BOLD, alignment=TA_CENTER, **small),
        "cell": like("cell", alignment=TA_LEFT, **small),
        "cellbold": like("cellbold", fontName=typeface.BOLD, alignment=TA_LEFT, **small),
        "num": like("num", alignment=TA_RIGHT, **small),
        "numbold": like("numbold", fontName=typeface.BOLD, alignment=TA_RIGHT, **small),
    }


class _Writer:
    """Builds the flowables, keeping every string drawn so the font can be checked first."""

    def __init__(self, content: DossierContent) -> None:
        self.content = content
        self.styles = _styles()
        self.texts: list[str] = []
        self.portrait_width = A4[0] - MARGINS["left"] - MARGINS["right"]
        self.landscape_width = A4[1] - 2 * 20 * mm

    def p(self, text: str, style: str | ParagraphStyle = "body") -> Paragraph:
        text = unicodedata.normalize("NFC", text)
        self.texts.append(text)
        chosen = self.styles[style] if isinstance(style, str) else style
        return Paragraph(escape(text).replace("\n", "<br/>"), chosen)

    def small(self, size: float) -> dict[str, ParagraphStyle]:
        """The table styles at ``size`` points (wide forms are set smaller)."""
        return {k: ParagraphStyle(f"{k}{size}", parent=s, fontSize=size, leading=size * 1.2)
                for k, s in self.styles.items() if k in ("head", "cell", "cellbold", "num",
                                                         "numbold")}

    # Blocks shared by the report and the minutes.

    def letterhead(self, body: str, number: str, dated: bool = True) -> Table:
        """Issuing body and number at the left, the motto and the date line at the right.

        Minutes are dated by hand (``dated=False``): phocap does not know the day
        the check was held.
        """
        content = self.content
        upper, _, name = body.partition("\n")
        left = [self.p(upper.upper(), "body_centre"), self.p(name.upper(), "body_centre_bold"),
                _rule(30 * mm), self.p(number, "body_centre")]
        place = content.place or content.unit_name
        day = (vi_date(content.issued) if content.issued and dated
               else "ngày … tháng … năm …")
        right = [self.p(MOTTO[0], "motto"), self.p(MOTTO[1], "subtitle"), _rule(55 * mm),
                 self.p(f"{place}, {day}", "date")]
        width = self.portrait_width
        table = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), typeface.REGULAR),
                                   ("ALIGN", (0, 0), (-1, -1), "CENTER"),  # the rules
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        return table

    def signatures(self, signatures: Iterable[Signature], left: list[Flowable] | None = None,
                   width: float | None = None) -> Table:
        """Signature blocks side by side; ``left`` (the recipients) takes the first place."""
        cells: list[list[Flowable]] = [left] if left is not None else []
        for signature in signatures:
            hint = signature.hint
            if signature.seal and "dấu" not in hint:
                hint = "(Ký tên, đóng dấu)"
            block = [self.p(line, "body_centre_bold") for line in signature.title.split("\n")]
            block += [self.p(hint, "hint"), Spacer(1, 28 * mm)]
            cells.append(block)
        width = width or self.portrait_width
        table = Table([cells], colWidths=[width / len(cells)] * len(cells))
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), typeface.REGULAR),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 2),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))
        return table

    def criteria_sentences(self) -> list[Flowable]:
        """Each criterion in a sentence, an [unverified] or [interpretation] one followed by
        what its mark means for the result (rules/words.py)."""
        out: list[Flowable] = []
        for criterion in self.content.criteria:
            out.append(self.p(f"- {criterion.sentence()}"))
            if criterion.caveat:
                out.append(self.p(f"  ({criterion.caveat})", "small_italic"))
        return out

    def verdict_note(self) -> list[Flowable]:
        """Beside the finding, when the computed level rests on a marked criterion."""
        note = self.content.verdict_note()
        return [self.p(note, "small_italic")] if note else []

    def criteria_table(self) -> Table:
        """Each criterion with its count, cohort, rate, threshold, source and verdict."""
        head = ["Tiêu chí", "Mức", "Đạt", "Phải phổ cập", "Tỷ lệ", "Yêu cầu", "Căn cứ",
                "Kết quả"]
        rows: list[list[Flowable]] = [[self.p(h, "head") for h in head]]
        for c in self.content.criteria:
            rate = c.shown_rate
            rows.append([self.p(c.label, "cell"), self.p(str(c.level), "num"),
                         self.p(numbers.integer(c.numerator), "num"),
                         self.p(numbers.integer(c.denominator), "num"), self.p(rate, "num"),
                         self.p(numbers.threshold(c.threshold), "num"),
                         self.p(citation(c.source), "cell"),
                         self.p(PASSED_VI[c.passed], "cellbold" if c.passed is False
                                else "cell")])
        widths = [41, 13, 15, 18, 20, 16, 30, 17]
        scale = self.portrait_width / (sum(widths) * mm)
        table = Table(rows, colWidths=[w * mm * scale for w in widths], repeatRows=1)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), typeface.REGULAR),
                                   ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        return table

    # The four parts of the dossier.

    def report(self) -> list[Flowable]:
        c = self.content
        kind = TYPE_VI.get(c.unit_type, "")
        out: list[Flowable] = [
            self.letterhead(f"ỦY BAN NHÂN DÂN\n{c.unit_name}", "Số: …/BC-UBND"),
            Spacer(1, 8 * mm),
            self.p("BÁO CÁO", "title"),
            self.p(f"Quá trình thực hiện và kết quả {c.standard_name.lower()} năm {c.year}",
                   "subtitle"),
            self.p(f"Kính gửi: {c.reviewer}", "centre"),
            Spacer(1, 4 * mm),
            self.p(f"Thực hiện Nghị định số 20/2014/NĐ-CP và Thông tư số 07/2016/TT-BGDĐT,"
                   f" {c.located} báo cáo kết quả {c.standard_name.lower()} theo số liệu"
                   f" điều tra năm {c.year} (thời điểm 30 tháng 9), như sau:"),
            self.p("1. Kết quả theo từng tiêu chí", "heading"),
        ]
        out += self.criteria_sentences()
        if not c.criteria:
            out.append(self.p("Bộ quy tắc không có tiêu chí nào cho tiêu chuẩn này."))
        out += [Spacer(1, 2 * mm), self.criteria_table(),
                self.p("2. Tự đánh giá", "heading"), self.p(c.conclusion()),
                *self.verdict_note(), self.p(c.conditions_sentence())]
        recipients = [self.p("Nơi nhận:", "small_italic"),
                      self.p(f"- {c.reviewer};\n- Lưu: VT.", "small_italic")]
        out.append(KeepTogether([
            self.p("3. Đề nghị", "heading"),
            self.p(f"{c.unit_name} đề nghị {c.reviewer} kiểm tra, công nhận {kind}"
                   f" {c.level_words(c.level_claimed)} năm {c.year}."),
            *([self.p(c.reviewer_caveat, "small_italic")] if c.reviewer_caveat else []),
            Spacer(1, 6 * mm),
            self.signatures([Signature("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", seal=True)],
                            left=recipients)]))
        return out

    def history(self) -> list[Flowable]:
        """The review's steps as the workflow recorded them: an annex, not the unit's text
        (returns and the decision come after the report was signed)."""
        return [NextPageTemplate("portrait"), PageBreak(),
                self.p("THEO DÕI QUÁ TRÌNH XÉT HỒ SƠ", "title"),
                self.p(f"{self.content.standard_name} năm {self.content.year},"
                       f" {self.content.unit_name}", "subtitle"),
                Spacer(1, 4 * mm), self.history_table()]

    def history_table(self) -> Table:
        rows: list[list[Flowable]] = [[self.p(h, "head") for h in
                                       ("Ngày", "Thao tác", "Người thực hiện", "Nội dung")]]
        for step in self.content.history:
            rows.append([self.p(numbers.date(step.at.date()), "cell"),
                         self.p(ACTIONS_VI.get(step.action, step.action), "cell"),
                         self.p(step.by or "—", "cell"), self.p(step.describe(), "cell")])
        widths = [22, 25, 35, 83]
        scale = self.portrait_width / (sum(widths) * mm)
        table = Table(rows, colWidths=[w * mm * scale for w in widths], repeatRows=1)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), typeface.REGULAR),
                                   ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return table

    def form(self, form: Form) -> list[Flowable]:
        """One form on pages of its own; landscape when it does not fit upright."""
        wide = sum(natural_widths(form, TABLE_SIZE)) > self.portrait_width
        width = self.landscape_width if wide else self.portrait_width
        size = float(TABLE_SIZE)
        # Smaller type rather than squeezed columns: a squeezed column breaks words
        # ("Phả-i") and percentages ("0,00 / %").
        while sum(natural_widths(form, size)) > width and size > SMALLEST_TABLE_SIZE:
            size -= 0.5
        styles = self.small(size)

        def cell(text: str, style: str) -> Paragraph:
            return self.p(text, styles[style])

        out: list[Flowable] = [NextPageTemplate("landscape" if wide else "portrait"),
                               PageBreak()]
        out += [self.p(heading, "plain") for heading in form.headings]
        out += [Spacer(1, 3 * mm), self.p(form.title, "title"),
                self.p(form.mark or f"Biểu {form.code}", "hint"), Spacer(1, 3 * mm),
                form_table(form, width, size, cell)]
        if not form.rows:  # an empty list still goes in the dossier, saying so
            out.append(self.p("Không có ai trong danh sách này.", "centre"))
        out += [self.p(note, "small_italic") for note in form.notes]
        if form.appendix:  # MN-01-TE's criteria block, as a table of its own
            block = replace(form, columns=form.appendix_columns, rows=form.appendix,
                            column_numbers=())
            out += [Spacer(1, 3 * mm), form_table(block, width / 2, size, cell)]
        if form.signatures:
            tail: list[Flowable] = [Spacer(1, 4 * mm)]
            if form.place_date:
                tail.append(self.p(form.place_date, "date"))
            tail.append(self.signatures(form.signatures, width=width))
            out.append(KeepTogether(tail))
        return out

    def minutes(self, minutes: Minutes) -> list[Flowable]:
        """Minutes of the self-check (ND20 Art 28) or of the inspection (ND20 Art 29).

        [interpretation] Neither decree nor circular prescribes the minutes'
        wording; this follows the usual order of administrative minutes
        (Decree 30/2020, Appendix III form 1.6 "Biên bản"): when and where, who,
        what was checked, the findings, the conclusion, signatures.
        """
        c = self.content
        inspection = minutes.kind == "inspection"
        decision = next((s for s in reversed(c.history) if s.action == "decide"), None)
        out: list[Flowable] = [
            NextPageTemplate("portrait"), PageBreak(),
            self.letterhead(minutes.body, "Số: …/BB-KT" if inspection else "Số: …/BB-TKT",
                            dated=False),
            Spacer(1, 8 * mm), self.p(minutes.title, "title"),
            self.p(f"Kiểm tra kết quả {c.standard_name.lower()} năm {c.year} của {c.unit_name}",
                   "subtitle"), Spacer(1, 4 * mm),
            self.p("Căn cứ Nghị định số 20/2014/NĐ-CP ngày 24 tháng 3 năm 2014 của Chính phủ"
                   " về phổ cập giáo dục, xóa mù chữ và Thông tư số 07/2016/TT-BGDĐT ngày 22"
                   " tháng 3 năm 2016 của Bộ trưởng Bộ Giáo dục và Đào tạo;"),
            self.p(f"Hôm nay, vào hồi … giờ … ngày … tháng … năm …, tại {c.place or c.unit_name},"
                   + (f" đoàn kiểm tra của {c.reviewer} tiến hành kiểm tra" if inspection
                      else " Ban chỉ đạo phổ cập giáo dục, xóa mù chữ tiến hành tự kiểm tra")
                   + f" kết quả {c.standard_name.lower()} năm {c.year} của {c.located}."),
            self.p("I. Thành phần", "heading"),
        ]
        if minutes.participants:
            out += [self.p(f"{n}. Ông (bà) {p.name}, {p.position};")
                    for n, p in enumerate(minutes.participants, 1)]
        else:
            out += [self.p(f"{n}. Ông (bà) ……………………………, chức vụ ……………………………;")
                    for n in range(1, 6)]
        out += [
            self.p("II. Nội dung kiểm tra", "heading"),
            self.p("Kiểm tra hồ sơ phổ cập giáo dục, xóa mù chữ (phiếu điều tra, sổ theo dõi,"
                   " danh sách, biểu thống kê) và kiểm tra thực tế kết quả thực hiện (Điều 29"
                   " Nghị định số 20/2014/NĐ-CP)."),
            self.p("III. Kết quả", "heading"),
        ]
        out += self.criteria_sentences()
        out += [*self.verdict_note(), self.p(c.conditions_sentence()),
                self.p("IV. Kết luận", "heading")]
        if inspection and decision is not None:
            granted = decision.level_granted or 0
            out.append(self.p(
                f"Đoàn kiểm tra kết luận: {c.unit_name} {c.level_words(granted)} năm"
                f" {c.year}. {decision.describe()}"))
        elif inspection:
            out.append(self.p("Đoàn kiểm tra kết luận: ……………………………………………"))
        else:
            out.append(self.p(f"{c.conclusion()} {c.unit_name} đề nghị {c.reviewer} kiểm tra,"
                              f" công nhận {c.level_words(c.level_claimed)}."))
        closing = self.p("Biên bản được lập thành 02 bản có giá trị như nhau, được các thành"
                         " viên tham dự thống nhất thông qua.")
        if inspection:
            blocks = [Signature(f"ĐẠI DIỆN {c.unit_name.upper()}", seal=True),
                      Signature("TRƯỞNG ĐOÀN KIỂM TRA")]
        else:
            blocks = [Signature("THƯ KÝ"),
                      Signature("TM. BAN CHỈ ĐẠO\nTRƯỞNG BAN", seal=True)]
        out.append(KeepTogether([closing, Spacer(1, 6 * mm), self.signatures(blocks)]))
        return out

    def name_lists_withheld(self) -> list[Flowable]:
        return [NextPageTemplate("portrait"), PageBreak(),
                self.p("DANH SÁCH KÈM THEO", "title"),
                self.p("Các danh sách có thông tin cá nhân không được in cho tài khoản chỉ xem"
                       " số liệu tổng hợp.", "centre")]

    def story(self) -> list[Flowable]:
        c = self.content
        story = self.report()
        for form in c.forms:
            story += self.form(form)
        if c.name_lists_withheld:
            story += self.name_lists_withheld()
        for name_list in c.name_lists:
            story += self.form(name_list)
        for minutes in c.minutes:
            story += self.minutes(minutes)
        if c.history:
            story += self.history()
        return story


def _rule(width: float) -> HRFlowable:
    """The short line under the issuing body and under the motto (Decree 30, Appendix I)."""
    return HRFlowable(width=width, thickness=0.6, color=colors.black, hAlign="CENTER",
                      spaceBefore=1, spaceAfter=3)


def _page_number(canvas: Canvas, document: BaseDocTemplate) -> None:
    """The page number centred in the top margin, from the second page (Decree 30)."""
    number = canvas.getPageNumber()
    if number < 2:
        return
    # The page's template fixes its size (portrait or landscape, set in _document);
    # reportlab sizes the canvas from it before calling onPage.
    width, height = document.pageTemplate.pagesize or document.pagesize
    canvas.saveState()
    canvas.setFont(typeface.REGULAR, BODY_SIZE)
    canvas.drawCentredString(width / 2, height - 12 * mm, str(number))
    canvas.restoreState()


def _document(buffer: io.BytesIO, content: DossierContent) -> BaseDocTemplate:
    portrait_size, landscape_size = A4, landscape(A4)
    upright = Frame(MARGINS["left"], MARGINS["bottom"],
                    portrait_size[0] - MARGINS["left"] - MARGINS["right"],
                    portrait_size[1] - MARGINS["top"] - MARGINS["bottom"], id="upright",
                    leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    wide = Frame(20 * mm, MARGINS["bottom"], landscape_size[0] - 40 * mm,
                 landscape_size[1] - MARGINS["top"] - MARGINS["bottom"], id="wide",
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    document = BaseDocTemplate(
        buffer, pagesize=portrait_size, title=f"Hồ sơ {content.standard_name} {content.year}"
        f" – {content.unit_name}", author="phocap", lang="vi",
        # Every page starts in the vendored face, so no standard font is referenced.
        initialFontName=typeface.REGULAR, initialFontSize=BODY_SIZE)
    document.addPageTemplates([
        PageTemplate("portrait", [upright], onPage=_page_number, pagesize=portrait_size),
        PageTemplate("landscape", [wide], onPage=_page_number, pagesize=landscape_size),
    ])
    return document


def render(content: DossierContent) -> bytes:
    """The dossier as PDF bytes; refuses (MissingGlyphs) text the font cannot draw."""
    writer = _Writer(content)
    story = writer.story()
    lacking = typeface.missing(writer.texts)
    if lacking:
        raise typeface.MissingGlyphs(
            "phông chữ không có các ký tự “" + " ".join(sorted(lacking)) + "”")
    buffer = io.BytesIO()
    _document(buffer, content).build(story)
    return buffer.getvalue()

