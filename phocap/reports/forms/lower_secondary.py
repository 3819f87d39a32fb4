"""Lower-secondary forms: THCS-M1 (by age, 11–18), THCS-M2 (standards by unit) and
THCS-TK (results by unit). Criteria: ND20 Arts 14–16. Layouts: docs/report-forms.md.
"""

from __future__ import annotations

from phocap.reports.figures import UnitFigures
from phocap.reports.forms.common import Context, age_form, population_rows, summary_form
from phocap.reports.model import Form, Value
from phocap.rules import citation
from phocap.rules.words import UNVERIFIED, explained

AGES = range(11, 19)
BANDS = ((11, 14), (15, 18))
THCS_M1_ROWS = (
    *population_rows(children=False),
    ("completed_primary", "Hoàn thành chương trình tiểu học"),
    ("grade_6", "Đang học lớp 6"),
    ("grade_7", "Đang học lớp 7"),
    ("grade_8", "Đang học lớp 8"),
    ("grade_9", "Đang học lớp 9"),
    ("lower_secondary_graduate", "Tốt nghiệp THCS"),
    ("lower_secondary_graduate__female", "Tốt nghiệp THCS: nữ"),
    ("lower_secondary_graduate__minority", "Tốt nghiệp THCS: dân tộc thiểu số"),
    ("in_upper_secondary", "Đang học THPT, GDTX cấp THPT"),
    ("in_vocational", "Đang học giáo dục nghề nghiệp"),
    ("studying_beyond_lower_secondary", "Đã hoặc đang học sau THCS"),
    ("dropped_out", "Bỏ học"),
    ("not_enrolled", "Không đi học"),
)


def thcs_m1(context: Context) -> Form:
    return age_form(
        context, "THCS-M1", "BIỂU THỐNG KÊ PHỔ CẬP GIÁO DỤC TRUNG HỌC CƠ SỞ", AGES, BANDS,
        THCS_M1_ROWS,
        notes=(
            "Các dòng từ “Hoàn thành chương trình tiểu học” trở xuống chỉ đếm người phải "
            "phổ cập.",
            f"Tiêu chuẩn: {citation('ND20 Arts 14-16')} (thanh thiếu niên 15–18 tuổi tốt nghiệp"
            " THCS; "
            "mức độ 3: đang học chương trình sau THCS).",
        ),
    )


THCS_M2_RATES = {
    "grade1_6_rate": ("grade1_6", "ppc_6"),
    "done_11_14_rate": ("done_11_14", "ppc_11_14"),
    "grad_rate": ("grad_15_18", "ppc_15_18"),
    "beyond_rate": ("beyond_15_18", "ppc_15_18"),
}
THCS_M2_HEADERS = (
    ("ppc_6", ("Trẻ 6 tuổi", "Phải phổ cập")),
    ("grade1_6", ("Trẻ 6 tuổi", "Vào lớp 1")),
    ("grade1_6_rate", ("Trẻ 6 tuổi", "Tỷ lệ")),
    ("ppc_11_14", ("Trẻ 11–14 tuổi", "Phải phổ cập")),
    ("done_11_14", ("Trẻ 11–14 tuổi", "Hoàn thành CTTH")),
    ("done_11_14_rate", ("Trẻ 11–14 tuổi", "Tỷ lệ")),
    ("ppc_15_18", ("Thanh thiếu niên 15–18 tuổi", "Phải phổ cập")),
    ("grad_15_18", ("Thanh thiếu niên 15–18 tuổi", "Tốt nghiệp THCS")),
    ("grad_rate", ("Thanh thiếu niên 15–18 tuổi", "Tỷ lệ tốt nghiệp THCS")),
    ("beyond_15_18", ("Thanh thiếu niên 15–18 tuổi", "Đã hoặc đang học sau THCS")),
    ("beyond_rate", ("Thanh thiếu niên 15–18 tuổi", "Tỷ lệ học sau THCS")),
)
# Criteria of ND20 Arts 14–16 as cells of THCS-M2 and THCS-TK.
THCS_CRITERIA = {
    ("lower_secondary_graduate", 15, 18): ("grad_15_18", "ppc_15_18"),
    ("studying_beyond_lower_secondary", 15, 18): ("beyond_15_18", "ppc_15_18"),
}


def _thcs_m2_cells(f: UnitFigures) -> dict[str, Value]:
    return {
        "ppc_6": f.get("in_scope", 6),
        "grade1_6": f.get("in_grade_1_or_higher", 6),
        "ppc_11_14": f.get("in_scope", 11, 14),
        "done_11_14": f.get("completed_primary", 11, 14),
        "ppc_15_18": f.get("in_scope", 15, 18),
        "grad_15_18": f.get("lower_secondary_graduate", 15, 18),
        "beyond_15_18": f.get("studying_beyond_lower_secondary", 15, 18),
    }


def thcs_m2(context: Context) -> Form:
    return summary_form(
        context, "THCS-M2", "TIÊU CHUẨN PHỔ CẬP GIÁO DỤC TRUNG HỌC CƠ SỞ", THCS_M2_HEADERS,
        THCS_M2_RATES, _thcs_m2_cells, "lower_secondary",
        notes=(f"Tỷ lệ tính trên số phải phổ cập cùng độ tuổi ({citation('ND20 Arts 14-16')}).",),
    )


THCS_TK_RATES = {
    "grad_rate": ("grad_15_18", "ppc_15_18"),
    "beyond_rate": ("beyond_15_18", "ppc_15_18"),
    "dis_rate": ("dis_access", "dis_can"),
}
THCS_TK_HEADERS = (
    ("total_11_18", ("Dân số 11–18 tuổi",)),
    ("pupils", ("Học sinh THCS",)),
    ("ppc_15_18", ("Thanh thiếu niên 15–18 tuổi", "Phải phổ cập")),
    ("grad_15_18", ("Thanh thiếu niên 15–18 tuổi", "Tốt nghiệp THCS")),
    ("grad_rate", ("Thanh thiếu niên 15–18 tuổi", "Tỷ lệ")),
    ("beyond_15_18", ("Thanh thiếu niên 15–18 tuổi", "Đã hoặc đang học sau THCS")),
    ("beyond_rate", ("Thanh thiếu niên 15–18 tuổi", "Tỷ lệ")),
    ("dis_can", ("Người khuyết tật 11–18 tuổi", "Có khả năng học tập")),
    ("dis_access", ("Người khuyết tật 11–18 tuổi", "Được tiếp cận giáo dục")),
    ("dis_rate", ("Người khuyết tật 11–18 tuổi", "Tỷ lệ")),
)


def _thcs_tk_cells(f: UnitFigures) -> dict[str, Value]:
    return {
        "total_11_18": f.get("total", 11, 18),
        "pupils": f.get("in_lower_secondary", 0, 60),
        "ppc_15_18": f.get("in_scope", 15, 18),
        "grad_15_18": f.get("lower_secondary_graduate", 15, 18),
        "beyond_15_18": f.get("studying_beyond_lower_secondary", 15, 18),
        "dis_can": f.get("disabled_can_study", 11, 18),
        "dis_access": f.get("disabled_can_study_enrolled", 11, 18),
    }


def thcs_tk(context: Context) -> Form:
    return summary_form(
        context, "THCS-TK", "THỐNG KÊ KẾT QUẢ PHỔ CẬP GIÁO DỤC TRUNG HỌC CƠ SỞ",
        THCS_TK_HEADERS, THCS_TK_RATES, _thcs_tk_cells, "lower_secondary",
        notes=(f"Người khuyết tật được tiếp cận giáo dục ({citation('TT07 Art 2')}): "
               + explained("inclusion.disabled_in_education", UNVERIFIED),),
    )
