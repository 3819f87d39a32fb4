"""The one download helper (register/downloads.py): the file name as typed, cells that never
run as formulas, and an audit entry per commune for a file of people."""

from __future__ import annotations

from typing import Any

from phocap.register.downloads import PersonData, content_disposition, csv_download, download
from phocap.register.models import AuditEntry


def test_an_ascii_name_is_sent_as_is() -> None:
    assert content_disposition("bieu-mau-03319-2021.xlsx") == (
        'attachment; filename="bieu-mau-03319-2021.xlsx"')


def test_a_vietnamese_name_reaches_the_browser_as_typed() -> None:
    """RFC 5987: the UTF-8 bytes percent-encoded, á = C3 A1, ư = C6 B0, ờ = E1 BB 9D,
    ă = C4 83, đ = C4 91, space = 20; the ASCII fallback drops the marks (đ → d)."""
    assert content_disposition("danh-sách-Mường Phăng-đợt 1.csv") == (
        'attachment; filename="danh-sach-Muong Phang-dot 1.csv"; '
        "filename*=UTF-8''danh-s%C3%A1ch-M%C6%B0%E1%BB%9Dng%20Ph%C4%83ng-%C4%91%E1%BB%A3t%201.csv")


def test_a_quote_or_line_break_cannot_end_the_header() -> None:
    header = content_disposition('a"b\r\nSet-Cookie: x.csv')
    assert header.startswith('attachment; filename="a_b__Set-Cookie: x.csv"; filename*=UTF-8')
    assert "\r" not in header and "\n" not in header and header.count('"') == 2


def test_a_csv_is_utf8_with_a_mark_and_its_formulas_neutralised(tree: dict[str, Any]) -> None:
    response = csv_download("x.csv", ["Họ và tên", "Ghi chú"],
                            [["Lò Văn A", "=HYPERLINK(\"http://x\")"], ["Cà Thị B", "+84 912"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8").splitlines() == [
        "\ufeffHọ và tên,Ghi chú",
        "Lò Văn A,\"'=HYPERLINK(\"\"http://x\"\")\"",
        "Cà Thị B,'+84 912"]
    assert AuditEntry.objects.count() == 0  # no PersonData: nothing logged


def test_a_file_of_people_is_logged_once_per_commune(tree: dict[str, Any],
                                                     make_user: Any) -> None:
    user = make_user("district_reviewer", tree["districts"][0])
    communes = [tree["communes"]["03319"], tree["communes"]["03322"]]
    download(b"%PDF", "ho-so.pdf", "application/pdf",
             PersonData(user, communes, {"file": "ho-so.pdf", "rows": 2}))
    logged = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).order_by("commune__code")
    assert [(e.commune.code, e.user, e.after) for e in logged] == [
        ("03319", user, {"file": "ho-so.pdf", "rows": 2}),
        ("03322", user, {"file": "ho-so.pdf", "rows": 2})]
