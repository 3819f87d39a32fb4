"""Primary education forms: TH-M1 (by age, 6–14) and TH-02 (results by unit).

Layouts: docs/report-forms.md. The criteria read on them are ND20 Arts 9–11.
"""

from __future__ import annotations

from phocap.reports.figures import UnitFigures
from phocap.reports.forms.common import Context, age_form, population_rows, summary_form
from phocap.reports.model import Form, Value
from phocap.rules import citation

AGES = range(6, 15)
BANDS = ((6, 10), (11, 14))
TH_M1_ROWS = (
    *population_rows(children=True),
    ("grade_1", "Đang học lớp 1"),
    ("grade_2", "Đang học lớp 2"),
    ("grade_3", "Đang học lớp 3"),
    ("grade_4", "Đang học lớp 4"),
    ("grade_5", "Đang học lớp 5"),
    ("in_grade_1_or_higher", "Đang học lớp 1 trở lên"),
    ("completed_primary", "Hoàn thành chương trình tiểu học"),
    ("completed_or_in_primary", "Hoàn thành CTTH hoặc đang học tiểu học"),
    ("repeating", "Lưu ban"),
    ("dropped_out", "Bỏ học"),
    ("not_enrolled", "Không đi học"),
)
# Criteria of ND20 Arts 9–11 as cells of TH-02: (fact, ages) → (numerator, denominator).
TH_02_CRITERIA = {
    ("in_grade_1_or_higher", 6, 6): ("grade1_6", "ppc_6"),
    ("completed_primary", 11, 11): ("done_11", "ppc_11"),
    ("completed_or_in_primary", 11, 11): ("others_11", "ppc_11"),
    ("completed_primary", 14, 14): ("done_14", "ppc_14"),
}


def th_m1(context: Context) -> Form:
    return age_form(
        context, "TH-M1", "BIỂU THỐNG KÊ PHỔ CẬP GIÁO DỤC TIỂU HỌC", AGES, BANDS, TH_M1_ROWS,
        notes=(
            "Phải phổ cập = tổng số − chuyển đi − chết − khuyết tật không có khả năng học tập.",
            "Các dòng từ “Đang học lớp 1” trở xuống chỉ đếm trẻ phải phổ cập.",
            f"Tiêu chuẩn: {citation('ND20 Arts 9-11')} (trẻ 6 tuổi vào lớp 1; trẻ 11 và 14 tuổi"
            " hoàn thành "
            "chương trình tiểu học).",
        ),
    )


TH_02_RATES = {
    "grade1_6_rate": ("grade1_6", "ppc_6"),
    "done_11_rate": ("done_11", "ppc_11"),
    "others_11_rate": ("others_11", "ppc_11"),
    "done_14_rate": ("done_14", "ppc_14"),
    "done_11_14_rate": ("done_11_14", "ppc_11_14"),
    "dis_rate": ("dis_access", "dis_can"),
}
TH_02_HEADERS = (
    ("pupils", ("Học sinh tiểu học",)),
    ("ppc_6", ("Trẻ 6 tuổi", "Phải phổ cập")),
    ("grade1_6", ("Trẻ 6 tuổi", "Vào lớp 1")),
    ("grade1_6_rate", ("Trẻ 6 tuổi", "Tỷ lệ")),
    ("ppc_11", ("Trẻ 11 tuổi", "Phải phổ cập")),
    ("done_11", ("Trẻ 11 tuổi", "Hoàn thành CTTH")),
    ("done_11_rate", ("Trẻ 11 tuổi", "Tỷ lệ HTCT TH")),
    ("others_11", ("Trẻ 11 tuổi", "HTCT TH hoặc đang học TH")),
    ("others_11_rate", ("Trẻ 11 tuổi", "Tỷ lệ HTCT TH hoặc đang học TH")),
    ("ppc_14", ("Trẻ 14 tuổi", "Phải phổ cập")),
    ("done_14", ("Trẻ 14 tuổi", "Hoàn thành CTTH")),
    ("done_14_rate", ("Trẻ 14 tuổi", "Tỷ lệ")),
    ("ppc_11_14", ("Trẻ 11–14 tuổi", "Phải phổ cập")),
    ("done_11_14", ("Trẻ 11–14 tuổi", "Hoàn thành CTTH")),
    ("done_11_14_rate", ("Trẻ 11–14 tuổi", "Tỷ lệ")),
    ("dis_can", ("Trẻ khuyết tật 6–14 tuổi", "Có khả năng học tập")),
    ("dis_access", ("Trẻ khuyết tật 6–14 tuổi", "Được tiếp cận giáo dục")),
    ("dis_rate", ("Trẻ khuyết tật 6–14 tuổi", "Tỷ lệ")),
)


def _th_02_cells(f: UnitFigures) -> dict[str, Value]:
    return {
        "pupils": f.get("in_primary", 0, 60),
        "ppc_6": f.get("in_scope", 6),
        "grade1_6": f.get("in_grade_1_or_higher", 6),
        "ppc_11": f.get("in_scope", 11),
        "done_11": f.get("completed_primary", 11),
        "others_11": f.get("completed_or_in_primary", 11),
        "ppc_14": f.get("in_scope", 14),
        "done_14": f.get("completed_primary", 14),
        "ppc_11_14": f.get("in_scope", 11, 14),
        "done_11_14": f.get("completed_primary", 11, 14),
        "dis_can": f.get("disabled_can_study", 6, 14),
        "dis_access": f.get("disabled_can_study_enrolled", 6, 14),
    }


def th_02(context: Context) -> Form:
    return summary_form(
        context, "TH-02", "THỐNG KÊ KẾT QUẢ PHỔ CẬP GIÁO DỤC TIỂU HỌC", TH_02_HEADERS,
        TH_02_RATES, _th_02_cells, "primary",
        notes=("Tỷ lệ tính trên số trẻ phải phổ cập cùng độ tuổi"
               f" ({citation('ND20 Arts 9-11')}).",),
    )
