"""Preschool forms: MN-01, children aged 0–6 by age, and MN-02, results by unit
(ND20 Art 6; from 2025 also ND277 for ages 3–5).

Layout: docs/report-forms.md. Before 2025 the forms serve the standard for
5-year-olds; from 2025 MN-01's band 3–5 carries ND277's standard.
"""

from __future__ import annotations

from phocap.reports.figures import UnitFigures
from phocap.reports.forms.common import Context, age_form, population_rows, summary_form
from phocap.reports.model import Form, Value
from phocap.rules import citation
from phocap.rules.words import UNVERIFIED, explained

AGES = range(0, 7)
BANDS = ((0, 5), (3, 5))
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
    ("in_mg4_or_higher", "Học lớp mẫu giáo 4–5 tuổi trở lên"),
    ("in_mg5_or_higher", "Học lớp mẫu giáo 5–6 tuổi trở lên"),
    ("completed_preschool", "Hoàn thành chương trình giáo dục mầm non"),
)


def mn_01(context: Context) -> Form:
    three_to_five = "preschool_3_5" in context.unit.standards
    title = "BIỂU THỐNG KÊ PHỔ CẬP GIÁO DỤC MẦM NON CHO TRẺ EM " + (
        "TỪ 3 ĐẾN 5 TUỔI" if three_to_five else "5 TUỔI"
    )
    notes = [
        "Các dòng từ “Đang học nhà trẻ” trở xuống chỉ đếm trẻ phải phổ cập.",
        "Trẻ 6 tuổi là trẻ 5 tuổi của năm học vừa kết thúc: tỷ lệ hoàn thành chương trình "
        f"giáo dục mầm non tính trên trẻ 6 tuổi ({citation('ND20 Art 6')}).",
    ]
    if three_to_five:
        notes.append(f"Trẻ 3–5 tuổi ({citation('ND277')}): "
                     + explained("preschool_3_5", UNVERIFIED))
    return age_form(context, "MN-01", title, AGES, BANDS, ROWS, notes=tuple(notes))


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
