"""Preschool form MN-01: children aged 3–6 by age (ND20 Art 6; from 2025 also ND277).

Layout: docs/report-forms.md. Before 2025 the form serves the standard for
5-year-olds; from 2025 the same table carries ages 3–5 for ND277's standard.
"""

from __future__ import annotations

from phocap.reports.forms.common import Context, age_form
from phocap.reports.model import Form

AGES = range(3, 7)
BANDS = ((3, 5),)
ROWS = (
    ("total", "Tổng số trẻ trong độ tuổi"),
    ("total__female", "Trong đó: nữ"),
    ("total__minority", "Trong đó: dân tộc thiểu số"),
    ("disabled", "Trẻ khuyết tật"),
    ("disabled_can_study", "Khuyết tật có khả năng học tập"),
    ("disabled_can_study_enrolled", "Khuyết tật được tiếp cận giáo dục"),
    ("moved_in", "Chuyển đến"),
    ("moved_away", "Chuyển đi"),
    ("deceased", "Chết"),
    ("cannot_study", "Khuyết tật không có khả năng học tập"),
    ("in_scope", "Số trẻ phải phổ cập"),
    ("in_nursery", "Đang học nhà trẻ"),
    ("mg3", "Đang học lớp mẫu giáo 3–4 tuổi"),
    ("mg4", "Đang học lớp mẫu giáo 4–5 tuổi"),
    ("mg5", "Đang học lớp mẫu giáo 5–6 tuổi"),
    ("attends_preschool", "Đang học mẫu giáo hoặc đã vào tiểu học"),
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
        "giáo dục mầm non tính trên trẻ 6 tuổi (ND20 Điều 6).",
    ]
    if three_to_five:
        notes.append("Trẻ 3–5 tuổi: ND277/2025 (ngưỡng chưa kiểm chứng với văn bản).")
    return age_form(context, "MN-01", title, AGES, BANDS, ROWS, notes=tuple(notes))
