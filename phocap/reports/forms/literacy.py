"""Literacy forms: XMC-3 (by age, 15–60), CMC-2 (illiterate people by age group),
XMC-4 (literacy standard by unit) and CMC-1 (illiteracy by unit).

Criteria: ND20 Arts 19–21 (level 1: 15–35, ĐBKK 15–25; level 2: 15–60, ĐBKK
15–35). Illiterate = in PPC and not literate at that level. Layouts:
docs/report-forms.md.
"""

from __future__ import annotations

from phocap.numbers import Year
from phocap.reports.figures import UnitFigures
from phocap.reports.forms.common import Context, summary_form
from phocap.reports.model import Column, Form, Row, Value
from phocap.rules import citation

BANDS = ((15, 25), (15, 35), (15, 60))
BREAKDOWN = (("", "Tổng số"), ("__female", "Nữ"), ("__minority", "Dân tộc"),
             ("__female_minority", "Nữ dân tộc"))
XMC_3_COLUMNS = (
    Column("label", ("Độ tuổi",)),
    Column("birth_year", ("Năm sinh",)),
    *(Column(f"total{suffix}", ("Dân số", word)) for suffix, word in BREAKDOWN),
    Column("in_scope", ("Phải phổ cập",)),
    Column("literate_1", ("Biết chữ mức độ 1",)),
    *(Column(f"illiterate_1{suffix}", ("Mù chữ mức độ 1", word)) for suffix, word in BREAKDOWN),
    Column("literate_2", ("Biết chữ mức độ 2",)),
    *(Column(f"illiterate_2{suffix}", ("Mù chữ mức độ 2", word)) for suffix, word in BREAKDOWN),
)
_METRICS = tuple(c.key for c in XMC_3_COLUMNS[2:])


def _cells(f: UnitFigures, lo: int, hi: int) -> dict[str, Value]:
    return {metric: f.get(metric, lo, hi) for metric in _METRICS}


def xmc_3(context: Context) -> Form:
    """A row per age 15–60 with its birth year, and the running totals 15–25, 15–35, 15–60
    after the last age of each band, as on the form."""
    f, year = context.own, context.year
    rows: list[Row] = []
    for age in range(15, 61):
        rows.append(Row(str(age), {"label": str(age), "birth_year": Year(year - age),
                                   **_cells(f, age, age)}, code=f"a{age}"))
        for lo, hi in BANDS:
            if age == hi:
                label = f"Cộng {lo}–{hi}"
                rows.append(Row(label, {"label": label, "birth_year": f"{year - hi}–{year - lo}",
                                        **_cells(f, lo, hi)}, total=True, code=f"a{lo}_{hi}"))
    return Form(
        code="XMC-3",
        title="BIỂU TỔNG HỢP KẾT QUẢ XÓA MÙ CHỮ THEO ĐỘ TUỔI",
        year=year,
        unit_code=context.unit.code,
        headings=context.headings(),
        columns=XMC_3_COLUMNS,
        rows=tuple(rows),
        notes=(
            f"Biết chữ, mù chữ tính trong số phải phổ cập ({citation('ND20 Art 19')}); người tái"
            " mù chữ "
            "là mù chữ.",
            "Dòng “Cộng 15–35” gồm cả các tuổi 15–25.",
        ),
        signatures=context.signatures(),
        place_date=context.place_date(),
    )


CMC_2_GROUPS = ((15, 25), (26, 35), (36, 60))
CMC_2_COLUMNS = (
    Column("label", ("Nhóm tuổi",)),
    *(Column(f"total{suffix}", ("Dân số", word)) for suffix, word in BREAKDOWN[:3]),
    Column("in_scope", ("Phải phổ cập",)),
    *(Column(f"illiterate_1{suffix}", ("Mù chữ mức độ 1", word)) for suffix, word in BREAKDOWN[:3]),
    *(Column(f"illiterate_2{suffix}", ("Mù chữ mức độ 2", word)) for suffix, word in BREAKDOWN[:3]),
)


def cmc_2(context: Context) -> Form:
    f = context.own
    metrics = [c.key for c in CMC_2_COLUMNS[1:]]
    rows = [
        Row(f"{lo}–{hi} tuổi", {"label": f"{lo}–{hi} tuổi",
                                **{m: f.get(m, lo, hi) for m in metrics}}, code=f"a{lo}_{hi}")
        for lo, hi in CMC_2_GROUPS
    ]
    total = {m: sum(int(r.values[m] or 0) for r in rows) for m in metrics}
    rows.append(Row("Cộng 15–60 tuổi", {"label": "Cộng 15–60 tuổi", **total}, total=True,
                    code="a15_60"))
    return Form(
        code="CMC-2",
        title="THỐNG KÊ SỐ NGƯỜI MÙ CHỮ",
        year=context.year,
        unit_code=context.unit.code,
        headings=context.headings(),
        columns=CMC_2_COLUMNS,
        rows=tuple(rows),
        notes=("Mù chữ: người phải phổ cập chưa biết chữ ở mức độ đó"
               f" ({citation('ND20 Art 19')}).",),
        signatures=context.signatures(),
        place_date=context.place_date(),
    )


def _band(lo: int, hi: int) -> str:
    return f"{lo}_{hi}"


XMC_4_HEADERS = tuple(
    (key, (f"Độ tuổi {lo}–{hi}", word))
    for lo, hi in BANDS
    for key, word in (
        (f"ppc_{_band(lo, hi)}", "Phải phổ cập"),
        (f"l1_{_band(lo, hi)}", "Biết chữ mức độ 1"),
        (f"l1_{_band(lo, hi)}_rate", "Tỷ lệ mức độ 1"),
        (f"l2_{_band(lo, hi)}", "Biết chữ mức độ 2"),
        (f"l2_{_band(lo, hi)}_rate", "Tỷ lệ mức độ 2"),
    )
)
XMC_4_RATES = {
    f"l{level}_{_band(lo, hi)}_rate": (f"l{level}_{_band(lo, hi)}", f"ppc_{_band(lo, hi)}")
    for lo, hi in BANDS for level in (1, 2)
}
# Criteria of ND20 Arts 20–21 as cells of XMC-4 (both cohorts: normal and ĐBKK).
XMC_4_CRITERIA = {
    (f"literate_{level}", lo, hi): (f"l{level}_{_band(lo, hi)}", f"ppc_{_band(lo, hi)}")
    for lo, hi in BANDS for level in (1, 2)
}


def _xmc_4_cells(f: UnitFigures) -> dict[str, Value]:
    cells: dict[str, Value] = {}
    for lo, hi in BANDS:
        cells[f"ppc_{_band(lo, hi)}"] = f.get("in_scope", lo, hi)
        cells[f"l1_{_band(lo, hi)}"] = f.get("literate_1", lo, hi)
        cells[f"l2_{_band(lo, hi)}"] = f.get("literate_2", lo, hi)
    return cells


def xmc_4(context: Context) -> Form:
    return summary_form(
        context, "XMC-4", "THỐNG KÊ ĐẠT CHUẨN XÓA MÙ CHỮ", XMC_4_HEADERS, XMC_4_RATES,
        _xmc_4_cells, "literacy",
        notes=("Mức độ 1: 15–35 tuổi (xã đặc biệt khó khăn 15–25); mức độ 2: 15–60 tuổi "
               f"(xã đặc biệt khó khăn 15–35) ({citation('ND20 Arts 20-21')}).",),
    )


CMC_1_HEADERS = (
    ("total", ("Dân số 0–60 tuổi", "Tổng số")),
    ("total__female", ("Dân số 0–60 tuổi", "Nữ")),
    ("total__minority", ("Dân số 0–60 tuổi", "Dân tộc")),
    *(
        (key, (f"Độ tuổi {lo}–{hi}", word))
        for lo, hi in BANDS
        for key, word in (
            (f"ppc_{_band(lo, hi)}", "Phải phổ cập"),
            (f"mc1_{_band(lo, hi)}", "Mù chữ mức độ 1"),
            (f"mc1_{_band(lo, hi)}_rate", "Tỷ lệ mù chữ mức độ 1"),
            (f"mc2_{_band(lo, hi)}", "Mù chữ mức độ 2"),
            (f"mc2_{_band(lo, hi)}_rate", "Tỷ lệ mù chữ mức độ 2"),
        )
    ),
)
CMC_1_RATES = {
    f"mc{level}_{_band(lo, hi)}_rate": (f"mc{level}_{_band(lo, hi)}", f"ppc_{_band(lo, hi)}")
    for lo, hi in BANDS for level in (1, 2)
}


def _cmc_1_cells(f: UnitFigures) -> dict[str, Value]:
    cells: dict[str, Value] = {
        "total": f.get("total", 0, 60),
        "total__female": f.get("total__female", 0, 60),
        "total__minority": f.get("total__minority", 0, 60),
    }
    for lo, hi in BANDS:
        cells[f"ppc_{_band(lo, hi)}"] = f.get("in_scope", lo, hi)
        cells[f"mc1_{_band(lo, hi)}"] = f.get("illiterate_1", lo, hi)
        cells[f"mc2_{_band(lo, hi)}"] = f.get("illiterate_2", lo, hi)
    return cells


def cmc_1(context: Context) -> Form:
    return summary_form(
        context, "CMC-1", "TỔNG HỢP CHỐNG MÙ CHỮ", CMC_1_HEADERS, CMC_1_RATES, _cmc_1_cells,
        "literacy",
        notes=(f"Mù chữ = phải phổ cập − biết chữ ở mức độ đó ({citation('ND20 Art 19')}).",),
    )
