"""Preschool forms. Before 2025: MN-01, children aged 0–6 by age, and MN-02, results by
unit (ND20 Art 6). From survey year 2025: the official 2025/2026 forms of Decree 277,
MN-01-TE (children by age) and MN-01-TC,ĐK (standard and conditions by commune).

Layout: docs/report-forms.md.
"""

from __future__ import annotations

from phocap import numbers
from phocap.engine.result import UnitResult
from phocap.reports.figures import UnitFigures
from phocap.reports.forms.common import (
    UNIT_WORD,
    Context,
    age_form,
    count,
    population_rows,
    rate,
    summary_form,
)
from phocap.reports.model import Column, Form, Row, Signature, Value
from phocap.rules import citation
from phocap.rules.words import UNVERIFIED, explained

AGES = range(0, 7)
BANDS = ((0, 5),)
ROWS = (
    *population_rows(children=True),
    ("in_nursery", "Đang học nhà trẻ"),
    ("mg3", "Đang học lớp mẫu giáo 3–4 tuổi"),
    ("mg4", "Đang học lớp mẫu giáo 4–5 tuổi"),
    ("mg5", "Đang học lớp mẫu giáo 5–6 tuổi"),
    ("attends_preschool", "Đang học mẫu giáo hoặc đã vào tiểu học"),
    ("attends_preschool__female", "Đang học mẫu giáo: nữ"),
    ("attends_preschool__minority", "Đang học mẫu giáo: dân tộc thiểu số"),
    ("two_sessions", "Học 2 buổi/ngày"),
    ("completed_preschool", "Hoàn thành chương trình giáo dục mầm non"),
)


def mn_01(context: Context) -> Form:
    """Children aged 0–6 by age, for the survey years before Decree 277."""
    notes = (
        "Các dòng từ “Đang học nhà trẻ” trở xuống chỉ đếm trẻ phải phổ cập.",
        "Trẻ 6 tuổi là trẻ 5 tuổi của năm học vừa kết thúc: tỷ lệ hoàn thành chương trình "
        f"giáo dục mầm non tính trên trẻ 6 tuổi ({citation('ND20 Art 6')}).",
    )
    return age_form(context, "MN-01",
                    "BIỂU THỐNG KÊ PHỔ CẬP GIÁO DỤC MẦM NON CHO TRẺ EM 5 TUỔI",
                    AGES, BANDS, ROWS, notes=notes)


MN_02_RATES = {
    "attending_rate": ("attending_5", "ppc_5"),
    "completed_rate": ("completed_6", "ppc_6"),
    "dis_rate": ("dis_access", "dis_can"),
}
MN_02_HEADERS = (
    ("ppc_5", ("Trẻ 5 tuổi", "Phải phổ cập")),
    ("attending_5", ("Trẻ 5 tuổi", "Đang học mẫu giáo")),
    ("attending_rate", ("Trẻ 5 tuổi", "Tỷ lệ huy động")),
    ("ppc_6", ("Trẻ 6 tuổi (5 tuổi năm học trước)", "Phải phổ cập")),
    ("completed_6", ("Trẻ 6 tuổi (5 tuổi năm học trước)", "Hoàn thành CT GDMN")),
    ("completed_rate", ("Trẻ 6 tuổi (5 tuổi năm học trước)", "Tỷ lệ")),
    ("dis_can", ("Trẻ khuyết tật 5 tuổi", "Có khả năng học tập")),
    ("dis_access", ("Trẻ khuyết tật 5 tuổi", "Được tiếp cận giáo dục")),
    ("dis_rate", ("Trẻ khuyết tật 5 tuổi", "Tỷ lệ")),
)
# Criteria of ND20 Art 6 as cells of MN-02.
MN_02_CRITERIA = {
    ("attends_preschool", 5, 5): ("attending_5", "ppc_5"),
    ("completed_preschool", 6, 6): ("completed_6", "ppc_6"),
}


def _mn_02_cells(f: UnitFigures) -> dict[str, Value]:
    return {
        "ppc_5": f.get("in_scope", 5),
        "attending_5": f.get("attends_preschool", 5),
        "ppc_6": f.get("in_scope", 6),
        "completed_6": f.get("completed_preschool", 6),
        "dis_can": f.get("disabled_can_study", 5),
        "dis_access": f.get("disabled_can_study_enrolled", 5),
    }


def mn_02(context: Context) -> Form:
    return summary_form(
        context, "MN-02", "THỐNG KÊ KẾT QUẢ PHỔ CẬP GIÁO DỤC MẦM NON CHO TRẺ EM 5 TUỔI",
        MN_02_HEADERS, MN_02_RATES, _mn_02_cells, "preschool_5",
        notes=(f"Tỷ lệ tính trên số trẻ phải phổ cập cùng độ tuổi ({citation('ND20 Art 6')}).",),
    )


# --- The 2025/2026 forms of Decree 277 (survey years from 2025) ----------------------------
#
# Laid out cell by cell after the official templates MN-01-TE and MN-01-TC,ĐK
# (shared official-formats §4; docs/report-forms.md): the titles, the "Mẫu: …" code at
# the top right, the row numbers 3–25 of MN-01-TE, the column numbers 1–22 of
# MN-01-TC,ĐK, the footnote, the criteria block and the signatures.

TE_AGES = range(0, 7)
TE_TOTAL = (0, 5)  # "Tổng cộng 0-5 tuổi": the 6-year-olds are not in it
PROGRAMME_AGES = (3, 5)  # the rows of completers count ages 3–5 only (footnote (*))
FOOTNOTE = (
    "(*) Trẻ em hoàn thành chương trình giáo dục mầm non: trẻ được học 2 buổi/ngày trong một "
    "năm học theo Chương trình giáo dục mầm non do Bộ Giáo dục và Đào tạo ban hành đối với "
    "trẻ 3–4 tuổi, 4–5 tuổi hoặc 5–6 tuổi, nghỉ học không quá 45 ngày."
)
SCHOOL_SIDE_NOTE = (
    "Dòng 11, 12, 16, 17, 23 và 25 đếm từ danh sách lớp và sổ điểm danh của các trường trong "
    "sổ phổ cập, năm học {school_year}; trẻ chưa có trong danh sách lớp nào không được đếm "
    "ở các dòng này, trẻ có lớp chưa điểm danh không được tính là hoàn thành chương trình. "
    "Ô để trống khi không có số liệu của trường."
)
TE_ROWS: tuple[tuple[int, str, str, str], ...] = (
    # (row number, code, label, where the figure comes from: survey / side / rate)
    (3, "resident", "Tổng số trẻ trong độ tuổi", "survey"),
    (4, "resident__female", "Trong đó: Nữ", "survey"),
    (5, "resident__minority", "Dân tộc thiểu số", "survey"),
    (6, "disabled", "Trẻ khuyết tật: Tổng số", "survey"),
    (7, "disabled_can_study", "Trẻ khuyết tật có khả năng học tập", "survey"),
    (8, "disabled_can_study_enrolled", "Trẻ khuyết tật được tiếp cận giáo dục", "survey"),
    (9, "in_scope", "Số trẻ phải huy động", "survey"),
    (10, "attends_early_education", "Số trẻ đến trường (nhóm, lớp)", "survey"),
    (11, "studying_in_commune", "Trong đó: Học tại xã", "side"),
    (12, "studying_elsewhere", "Học nơi khác (trái tuyến)", "side"),
    (13, "attending_rate", "Tỉ lệ huy động (%)", "rate"),
    (14, "attends_early_education__female", "Trẻ đến trường: Nữ", "survey"),
    (15, "attends_early_education__minority", "Trẻ đến trường: Dân tộc thiểu số", "survey"),
    (16, "vietnamese_preparation", "Trẻ dân tộc thiểu số được chuẩn bị tiếng Việt", "side"),
    (17, "from_elsewhere", "Trẻ nơi khác đến học tại xã", "side"),
    (18, "two_sessions", "Số trẻ học 2 buổi/ngày", "survey"),
    (19, "two_sessions_rate", "Tỉ lệ học 2 buổi/ngày (%)", "rate"),
    (20, "deceased", "Số trẻ chết", "survey"),
    (21, "moved_away", "Số trẻ chuyển đi", "survey"),
    (22, "moved_in", "Số trẻ chuyển đến", "survey"),
    (23, "completed_programme", "Trẻ 3, 4, 5 tuổi hoàn thành chương trình GDMN (*)", "side"),
    (24, "completed_rate", "Tỉ lệ hoàn thành chương trình (%)", "rate"),
    (25, "from_elsewhere_completed", "Trẻ nơi khác hoàn thành chương trình tại xã", "side"),
)
# A rate row → (numerator row, denominator row): 13 = 10/9, 19 = 18/10, 24 = 23/10.
TE_RATES = {
    "attending_rate": ("attends_early_education", "in_scope"),
    "two_sessions_rate": ("two_sessions", "attends_early_education"),
    "completed_rate": ("completed_programme", "attends_early_education"),
}
_TE_SOURCE = {code: source for _, code, _, source in TE_ROWS}
# Rows counted for ages 3–5 only (the footnote's programmes).
TE_PROGRAMME_ROWS = frozenset({"completed_programme", "completed_rate",
                               "from_elsewhere_completed"})


def _side_rate(numerator: Value, denominator: Value) -> Value:
    """An exact rate, empty when a school-side count is unknown (never a 0% it does not know)."""
    if numerator is None or denominator is None:
        return None
    return rate(count(numerator), count(denominator))


def _te_cells(figures: UnitFigures, code: str, source: str, lo: int, hi: int) -> Value:
    if source == "survey":
        return figures.get(code, lo, hi)
    return figures.side(code, lo, hi)


def _te_row(figures: UnitFigures, number: int, code: str, label: str, source: str) -> Row:
    values: dict[str, Value] = {"label": label, "no": str(number)}
    columns = [(f"a{age}", age, age) for age in TE_AGES] + [("a0_5", *TE_TOTAL)]
    for key, lo, hi in columns:
        if code in TE_PROGRAMME_ROWS:
            lo, hi = max(lo, PROGRAMME_AGES[0]), min(hi, PROGRAMME_AGES[1])
            if lo > hi:
                values[key] = None
                continue
        if source == "rate":
            numerator, denominator = TE_RATES[code]
            values[key] = _side_rate(
                _te_cells(figures, numerator, _TE_SOURCE[numerator], lo, hi),
                _te_cells(figures, denominator, _TE_SOURCE[denominator], lo, hi))
        else:
            values[key] = _te_cells(figures, code, source, lo, hi)
    return Row(label, values, code=code, rate=source == "rate")


def official_headings(context: Context) -> tuple[str, ...]:
    """"Xã: …" (a commune's form), "Tỉnh: …", and the time the figures describe: the school
    year the survey opens, whose completion the forms count (docs/report-forms.md)."""
    lines = []
    unit: UnitResult | None = context.unit
    while unit is not None:  # the commune first, as the templates (a district only before 2025)
        lines.append(f"{UNIT_WORD[unit.type]}: {unit.name}")
        unit = context.evaluation.unit(unit.parent_code) if unit.parent_code else None
    lines.append(f"Thời điểm: năm học {numbers.school_year(context.year)} (số liệu điều tra "
                 f"ngày 30/9/{context.year})")
    return tuple(lines)


def official_signatures() -> tuple[Signature, ...]:
    return (
        Signature("NGƯỜI LẬP BIỂU", ""),
        Signature("TM. BAN CHỈ ĐẠO PCGD-XMC", "(Kí, họ tên và đóng dấu UBND)", seal=True),
    )


CRITERIA_COLUMNS = (
    Column("label", ("Tiêu chí",)),
    Column("count", ("Số lượng",)),
    Column("rate", ("Tỉ lệ",), rate=True),
)


def criterion_code(fact: str, lo: int, hi: int) -> str:
    """A criteria block row's code: the fact it counts and its ages ("two_sessions:3_4"), so
    that the checks find it as they find a form's row by age."""
    return f"{fact}:{lo}_{hi}"


def _criterion(fact: str, ages: tuple[int, int], label: str, numerator: Value,
               denominator: Value) -> Row:
    return Row(label, {"label": label, "count": numerator,
                       "rate": _side_rate(numerator, denominator)},
               code=criterion_code(fact, *ages))


def _heading(label: str) -> Row:
    return Row(label, {"label": label, "count": None, "rate": None}, code="")


def te_criteria(f: UnitFigures) -> tuple[Row, ...]:
    """MN-01-TE's criteria block: the 5-year-olds' standard (ND20 Art 6) and the 3–5 one
    (ND277), each figure with its rate over the count the form divides it by."""
    attending_34 = f.get("attends_early_education", 3, 4)
    return (
        _heading("1. Phổ cập GDMN cho trẻ em 5 tuổi (5 tuổi tính theo năm)"),
        _criterion("attends_preschool", (5, 5), "- Trẻ 5 tuổi ra lớp",
                   f.get("attends_preschool", 5), f.get("in_scope", 5)),
        _criterion("completed_preschool", (6, 6), "- Trẻ 6 tuổi hoàn thành chương trình GDMN",
                   f.get("completed_preschool", 6), f.get("in_scope", 6)),
        _criterion("disabled_can_study_enrolled", (5, 5),
                   "- Trẻ 5 tuổi khuyết tật được tiếp cận giáo dục",
                   f.get("disabled_can_study_enrolled", 5), f.get("disabled_can_study", 5)),
        _criterion("two_sessions", (5, 5), "- Trẻ 5 tuổi học 2 buổi/ngày",
                   f.get("two_sessions", 5), f.get("attends_early_education", 5)),
        _heading("2. Phổ cập GDMN cho trẻ em từ 3 đến 5 tuổi"),
        _criterion("attends_early_education", (3, 4), "- Trẻ 3–4 tuổi ra lớp", attending_34,
                   f.get("in_scope", 3, 4)),
        _criterion("completed_programme", (3, 4),
                   "- Trẻ 3–4 tuổi hoàn thành chương trình theo độ tuổi",
                   f.side("completed_programme", 3, 4), attending_34),
        _criterion("two_sessions", (3, 4), "- Trẻ 3–4 tuổi học 2 buổi/ngày",
                   f.get("two_sessions", 3, 4), attending_34),
    )


def mn_01_te(context: Context) -> Form:
    """MN-01-TE, "Thống kê trẻ em mầm non theo độ tuổi": rows 3–25 by age 0–6, total 0–5."""
    year = context.year
    columns = (
        Column("label", ("Năm sinh – Độ tuổi",)),
        Column("no", ("TT",)),
        *(Column(f"a{age}", (str(year - age), f"{age} tuổi")) for age in TE_AGES),
        Column("a0_5", ("Tổng cộng", "0-5 tuổi")),
    )
    figures = context.own
    return Form(
        code="MN-01-TE",
        title="THỐNG KÊ TRẺ EM MẦM NON THEO ĐỘ TUỔI",
        year=year,
        unit_code=context.unit.code,
        headings=official_headings(context),
        columns=columns,
        rows=tuple(_te_row(figures, *row) for row in TE_ROWS),
        notes=(FOOTNOTE, SCHOOL_SIDE_NOTE.format(school_year=numbers.school_year(year))),
        signatures=official_signatures(),
        place_date=f"{context.unit.name}, ngày … tháng … năm …",
        mark="Mẫu: MN-01-TE",
        appendix_columns=CRITERIA_COLUMNS,
        appendix=te_criteria(figures),
    )


TCDK_COLUMNS = (
    Column("stt", ("TT",)),
    Column("label", ("Xã",)),
    Column("difficult", ("Vùng KTXH ĐBKK",)),
    Column("schools", ("Số trường",)),
    Column("independent", ("Số cơ sở GDMN độc lập",)),
    Column("sites", ("Số điểm trường",)),
    Column("classes", ("Lớp mẫu giáo", "Tổng")),
    Column("classes_single", ("Lớp mẫu giáo", "Lớp đơn")),
    Column("classes_combined", ("Lớp mẫu giáo", "Lớp ghép")),
    Column("need", ("Tỉ lệ huy động trẻ MG", "Số trẻ cần huy động")),
    Column("attending", ("Tỉ lệ huy động trẻ MG", "Số trẻ đến lớp")),
    Column("attending_rate", ("Tỉ lệ huy động trẻ MG", "Tỉ lệ"), rate=True),
    Column("completed", ("Tỉ lệ trẻ hoàn thành CTGDMN theo độ tuổi", "Số trẻ")),
    Column("completed_rate", ("Tỉ lệ trẻ hoàn thành CTGDMN theo độ tuổi", "Tỉ lệ"), rate=True),
    Column("disabled", ("Trẻ mẫu giáo khuyết tật", "Tổng số")),
    Column("dis_can", ("Trẻ mẫu giáo khuyết tật", "Có khả năng HT", "Số lượng")),
    Column("dis_access", ("Trẻ mẫu giáo khuyết tật", "Có khả năng HT", "Tiếp cận GD")),
    Column("dis_rate", ("Trẻ mẫu giáo khuyết tật", "Có khả năng HT", "Tỉ lệ"), rate=True),
    Column("teachers", ("Điều kiện bảo đảm", "Tỷ lệ GV/lớp")),
    Column("rooms", ("Điều kiện bảo đảm", "Tỷ lệ phòng học/lớp")),
    Column("equipped", ("Điều kiện bảo đảm", "Lớp đủ TBDH")),
    Column("recognised", ("Đạt chuẩn (Đạt/Không đạt)",)),
)
TCDK_NUMBERS = ("1", "2", "3", "4", "5", "6", "7=8+9", "8", "9", "10", "11", "12=11/10", "13",
                "14=13/11", "15", "16", "17", "18=17/16", "19", "20", "21", "22")
# Rate column → (numerator, denominator), as the column numbers say: 12 = 11/10, 14 = 13/11,
# 18 = 17/16.
TCDK_RATES = {
    "attending_rate": ("attending", "need"),
    "completed_rate": ("completed", "attending"),
    "dis_rate": ("dis_access", "dis_can"),
}
TCDK_COUNTS = ("need", "attending", "completed", "disabled", "dis_can", "dis_access")
TCDK_AGE_GROUPS = (("3_4", "- Độ tuổi 3, 4 tuổi", 3, 4), ("5", "- Độ tuổi 5 tuổi", 5, 5))
NOT_PER_AGE = ("difficult", "schools", "independent", "sites")  # "x" on the age rows


def _tcdk_age_cells(f: UnitFigures, lo: int, hi: int) -> dict[str, Value]:
    cells: dict[str, Value] = {
        "need": f.get("in_scope", lo, hi),
        "attending": f.get("attends_early_education", lo, hi),
        "completed": f.side("completed_programme", lo, hi),
        "disabled": f.get("disabled", lo, hi),
        "dis_can": f.get("disabled_can_study", lo, hi),
        "dis_access": f.get("disabled_can_study_enrolled", lo, hi),
    }
    for key, (numerator, denominator) in TCDK_RATES.items():
        cells[key] = _side_rate(cells[numerator], cells[denominator])
    return cells


def recognised_text(unit: UnitResult) -> str:
    """Column 22: "Đạt" / "Không đạt" for ND277's standard; "Chưa có dữ liệu" for a unit
    nobody surveyed (never a failure, docs/rules.md §1)."""
    result = unit.standards.get("preschool_3_5")
    if result is None:
        return ""
    if not unit.has_data:
        return "Chưa có dữ liệu"
    return "Đạt" if result.level >= 1 else "Không đạt"


def _tcdk_block(f: UnitFigures, schools: dict[str, int] | None, unit: UnitResult, stt: Value,
                label: str, code: str, total: bool) -> list[Row]:
    """A unit's row (its schools and result) and its two age rows (its children and
    classes). Establishments the schools did not record stay empty: independent
    establishments, single and combined classes, staff, rooms and equipment."""
    head: dict[str, Value] = {key: None for key in (c.key for c in TCDK_COLUMNS)}
    head.update({"stt": stt, "label": label, "recognised": recognised_text(unit),
                 "difficult": "x" if unit.especially_difficult and not total else ""})
    if schools is not None:
        head.update({"schools": schools["schools"], "sites": schools["sites"]})
    rows = [Row(label, head, total=total, code=code)]
    for suffix, age_label, lo, hi in TCDK_AGE_GROUPS:
        values: dict[str, Value] = {key: None for key in (c.key for c in TCDK_COLUMNS)}
        values.update({"stt": "", "label": age_label, "recognised": "",
                       **{key: "x" for key in NOT_PER_AGE}, **_tcdk_age_cells(f, lo, hi)})
        if schools is not None:
            values["classes"] = schools[f"classes_{suffix}"]
        rows.append(Row(age_label, values, total=total, code=f"{code}:{suffix}"))
    return rows


def mn_01_tcdk(context: Context) -> Form:
    """MN-01-TC,ĐK, the standard and conditions by commune: the province's total and each
    commune below it (a commune's form: the commune alone), two age rows each."""
    def establishments(code: str) -> dict[str, int] | None:
        return context.figures.establishments_of(context.communes_below(code))

    rows: list[Row] = []
    if context.unit.type != "commune":
        whole = f"TOÀN {UNIT_WORD[context.unit.type].upper()}"  # "TOÀN TỈNH"
        rows += _tcdk_block(context.own, establishments(context.unit.code), context.unit, "",
                            whole, "total", total=True)
    communes = [context.evaluation.unit(code) for code in context.communes_below(
        context.unit.code)]
    for index, commune in enumerate(communes, start=1):
        rows += _tcdk_block(context.figures_of(commune.code), establishments(commune.code),
                            commune, index, f"Tên xã: {commune.name}", commune.code,
                            total=False)
    return Form(
        code="MN-01-TCDK",
        title="THỐNG KÊ TIÊU CHUẨN, ĐIỀU KIỆN PHỔ CẬP GIÁO DỤC MẦM NON CHO TRẺ EM MẪU GIÁO "
              "(THEO TỪNG XÃ)",
        year=context.year,
        unit_code=context.unit.code,
        headings=official_headings(context),
        columns=TCDK_COLUMNS,
        rows=tuple(rows),
        notes=(
            "Cột 10: trẻ phải huy động (tổng số trừ trẻ khuyết tật không có khả năng học tập, "
            "trẻ chuyển đi và trẻ chết); cột 11: trẻ đến trường, nhóm, lớp; cột 13 theo chú "
            "thích (*) của biểu MN-01-TE, từ danh sách lớp và sổ điểm danh.",
            "Cột 4, 6 và 7: trường mầm non, điểm trường và lớp mẫu giáo của năm học theo hồ sơ "
            "trường trong phần mềm; cột 5, 8, 9 và 19–21 (cơ sở độc lập, lớp đơn, lớp ghép, "
            "giáo viên, phòng học, thiết bị) chưa có trong hồ sơ: đơn vị điền theo báo cáo "
            "của trường.",
            f"Cột 22: kết quả tính theo {citation('ND277')} (xem trang kết quả). "
            + explained("preschool_3_5", UNVERIFIED) + " "
            + explained("preschool_3_5.completed", UNVERIFIED),
        ),
        signatures=official_signatures(),
        place_date=f"{context.unit.name}, ngày … tháng … năm …",
        mark="Mẫu: MN-01-TC, ĐK",
        column_numbers=TCDK_NUMBERS,
    )
