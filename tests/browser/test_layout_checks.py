"""The checks every photographed page passes (layout.py, visual.py) see what they are for,
and keep quiet on what is meant.

Small pages made for the purpose, loaded into headless Chromium with the stylesheet of
each case, and pictures compared in Pillow. The first case is the attendance grid's
defect as it was: `display: grid` leaking onto `table.grid` put the header in one
column and the pupils in another, and no overflow check saw it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from PIL import Image, ImageDraw

from tests.browser import visual
from tests.browser.conftest import MISSING, SKIP_REASON, new_driver
from tests.browser.layout import MISALIGNED_JS, OVERLAP_JS

chromium = pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)

TABLE = ("<table class=grid><thead><tr><th>Số</th><th>Họ và tên</th><th>Có mặt</th></tr>"
         "</thead><tbody><tr><td>1</td><td>Quàng Văn Số 1</td><td>x</td></tr>"
         "<tr><td>2</td><td>Quàng Văn Số 2</td><td>x</td></tr></tbody></table>")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the module's small pages."""
    driver = new_driver()
    try:
        yield driver
    finally:
        driver.quit()


def findings(driver: Any, script: str, css: str, body: str) -> list[str]:
    page = (f"<!doctype html><html><head><meta charset=utf-8><style>body{{margin:0;"
            f"font:15px/1.45 sans-serif}} {css}</style></head><body><main>{body}</main>"
            f"</body></html>")
    driver.get("data:text/html;charset=utf-8," + quote(page))
    return list(driver.execute_script(script))


@chromium
@pytest.mark.browser
@pytest.mark.parametrize(("css", "problem"), [
    (".grid { display: grid; grid-template-columns: 1fr 1fr; }", True),
    ("", False),
])
def test_a_table_laid_out_as_a_grid_is_misaligned(browser: Any, css: str,
                                                  problem: bool) -> None:
    found = findings(browser, MISALIGNED_JS, css, TABLE)
    assert bool(found) is problem, found


@chromium
@pytest.mark.browser
@pytest.mark.parametrize(("case", "css", "body", "problem"), [
    ("a negative margin pulls a paragraph over the one above", "p.up { margin-top: -2em; }",
     "<p>Xã Mường Pồn: 14.804 người</p><p class=up>Chưa đạt mức 3</p>", True),
    ("a fixed height lets the text run into the next box", "div.short { height: 10px; }",
     "<div class=short>Tỷ lệ trẻ 6 tuổi vào lớp 1<br>95,24%<br>đạt</div><p>Tiếp theo</p>",
     True),
    ("a cell too narrow for an unbreakable word spills into the next",
     "table { table-layout: fixed; width: 200px; border-collapse: collapse; }"
     " td { width: 50px; white-space: nowrap; overflow: visible; }",
     "<table><tr><td>Khôngxuốngdònggìcả</td><td>12</td></tr></table>", True),
    ("the same text, laid out plainly", "", "<p>Xã Mường Pồn: 14.804 người</p>"
     "<p>Chưa đạt mức 3</p><table><tr><td>Khôngxuốngdònggìcả</td><td>12</td></tr></table>",
     False),
    ("a link wrapping over two lines beside its text", "p { width: 160px; }",
     "<p>Xem danh sách <a href=#>những người chưa tốt nghiệp trung học cơ sở</a> năm 2021"
     " <b>ngay</b></p>", False),
    ("a sticky header and a drop-down lie over the flow on purpose",
     "thead th { position: sticky; top: 0; } .menu { position: absolute; top: 0; left: 0; }",
     "<div class=menu>Trình đơn</div>" + TABLE, False),
    ("a float with the text flowing around it", ".pin { float: left; width: 80px; }",
     "<div><span class=pin>Ghi chú</span><p>Kết quả phổ cập năm 2021 của xã</p></div>", False),
    ("the content of a closed <details>, kept in the layout but not shown", "",
     "<ol><li>Gõ khóa bí mật:<details><summary>Địa chỉ</summary><p>otpauth://totp/x"
     "</p><p>dòng hai</p><p>dòng ba</p></details></li><li>Nhập mã</li></ol>", False),
    ("a cell spanning two rows", "table { border-collapse: collapse; }",
     "<table><tr><td rowspan=2>Bản Mới</td><td>nam</td></tr><tr><td>nữ</td></tr></table>",
     False),
    ("a visually hidden label and an invisible radio button inside its label",
     ".hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; }"
     " label input { position: absolute; opacity: 0; }",
     "<span class=hidden>Điểm danh</span><label><input type=radio>K</label>"
     "<label><input type=radio>P</label>", False),
    ("a scrolling table wider than the page, clipped by its container",
     ".wrap { overflow-x: auto; width: 200px; } table { width: 600px; }",
     "<div class=wrap><table><tr><td>Một</td><td>Hai</td></tr></table></div><p>Sau</p>",
     False),
])
def test_overlapping_boxes_are_found_and_overlays_are_not(
        browser: Any, case: str, css: str, body: str, problem: bool) -> None:
    found = findings(browser, OVERLAP_JS, css, body)
    assert bool(found) is problem, (case, found)


def page(rows: int, shift: int = 0) -> bytes:
    """A white page with `rows` dark text-like bars, moved down by `shift` pixels."""
    image = Image.new("RGB", (1366, 768), "white")
    draw = ImageDraw.Draw(image)
    for row in range(rows):
        top = 40 + shift + row * 30
        draw.rectangle([40, top, 40 + 300 + (row * 37) % 500, top + 12], fill=(30, 36, 48))
    out = __import__("io").BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_the_visual_comparison_tolerates_nothing_larger_than_its_thresholds() -> None:
    accepted = visual.reduce(page(10), "1366x768", [])
    same, _ = visual.compare(accepted, visual.reduce(page(10), "1366x768", []))
    assert not same.fails and same.changed == 0 and same.mean == 0
    moved, picture = visual.compare(accepted, visual.reduce(page(10, shift=15), "1366x768", []))
    assert moved.fails and moved.changed > visual.CHANGED_SHARE, moved
    assert picture.width == accepted.width * 3 + 20
    one_more, _ = visual.compare(accepted, visual.reduce(page(11), "1366x768", []))
    assert one_more.fails, one_more
    # Painting over a region (a secret shown once) makes its content irrelevant.
    box = [[30, 30, 900, 400]]
    assert not visual.compare(visual.reduce(page(10), "1366x768", box),
                              visual.reduce(page(10, shift=3), "1366x768", box))[0].fails
