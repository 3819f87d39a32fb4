"""SVG charts over survey years (phocap.reports.charts).

The plot area of the default 400x264 chart runs from x = 44 (left margin) to
x = 300 (400 − 100 for the end labels) and from y = 14 (top) to y = 234
(264 − 30 for the year labels), 256 by 220 px; the expected coordinates below
are computed from those numbers.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction

from phocap.reports.charts import (
    STYLES,
    Divide,
    Reference,
    Scale,
    Series,
    level_chart,
    level_label,
    line_chart,
    percent_label,
    rate_scale,
    spread,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def series_groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "series " in (g.get("class") or "") + " "
            and g.get("data-label") is not None]


def marker_centre(element: ET.Element) -> tuple[float, float]:
    if element.tag == f"{SVG}circle":
        return float(element.get("cx", "")), float(element.get("cy", ""))
    if element.tag == f"{SVG}rect":
        return float(element.get("x", "")) + 4, float(element.get("y", "")) + 4
    raise AssertionError(element.tag)


def test_points_sit_at_their_computed_coordinates() -> None:
    """Years 2020–2022 on a 0–100% axis: x(2020) = 44, x(2022) = 300, x(2021) = 172
    (the middle); y(50%) = 234 − 0.5 × 220 = 124, y(100%) = 14, y(0%) = 234,
    y(90%) = 234 − 0.9 × 220 = 36."""
    chart = line_chart("t", "Tỷ lệ", [Series("A", ((2020, 0.0), (2021, 50.0), (2022, 100.0)))],
                       [Reference("Mức 1", 90)], scale=Scale(0, 100, 20))
    root = parse(chart)
    (group,) = series_groups(root)
    centres = [marker_centre(e) for e in group if "marker" in (e.get("class") or "")]
    assert centres == [(44, 234), (172, 124), (300, 14)]
    (path,) = [e for e in group if e.get("class") == "line"]
    assert path.get("d") == "M44,234L172,124L300,14"
    (reference,) = [e for e in root.iter(f"{SVG}line") if e.get("class") == "reference"]
    assert (reference.get("y1"), reference.get("y2")) == ("36", "36")
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks == ["0%", "20%", "40%", "60%", "80%", "100%"]


def test_series_differ_by_dash_and_marker_not_colour_alone() -> None:
    """Printed in black and white, only the dash pattern and the marker shape remain."""
    assert len({s.dash for s in STYLES}) == len(STYLES)
    assert len({s.marker for s in STYLES}) == len(STYLES)
    series = [Series(f"S{i}", ((2020, 50.0 + i), (2021, 60.0 + i))) for i in range(3)]
    root = parse(line_chart("t", "Tỷ lệ", series))
    groups = series_groups(root)
    dashes = [next(e for e in g if e.get("class") == "line").get("stroke-dasharray")
              for g in groups]
    shapes = [next(e for e in g if "marker" in (e.get("class") or "")).tag for g in groups]
    assert dashes == [None, "7 4", "2 3"]
    assert shapes == [f"{SVG}circle", f"{SVG}rect", f"{SVG}polygon"]


def test_each_line_is_labelled_at_its_end() -> None:
    """Two lines ending at 2021 with 80% and 81%: on a 60–100 axis (220 px / 40 points =
    5.5 px a point) they end at y 124 and 118.5, closer than a line of text; their
    labels are pushed 14 px apart, in the order of the lines, 9 px right of x = 300."""
    series = [Series("Thấp", ((2020, 70.0), (2021, 80.0))),
              Series("Cao", ((2020, 75.0), (2021, 81.0)))]
    root = parse(line_chart("t", "Tỷ lệ", series, scale=Scale(60, 100, 10)))
    labels = {t.text: t for t in root.iter(f"{SVG}text") if "end-label" in (t.get("class") or "")}
    assert set(labels) == {"Thấp", "Cao"}
    low, high = float(labels["Thấp"].get("y", "")), float(labels["Cao"].get("y", ""))
    assert low - high >= 14
    assert float(labels["Thấp"].get("x", "")) == 300 + 9


def test_spread_keeps_labels_apart_and_inside() -> None:
    assert spread([10, 12, 40], 13, 0, 100) == [10, 23, 40]
    # 90, 103, 116 overshoots the bottom (100) by 16: the run moves back up by 16.
    assert spread([90, 95, 100], 13, 0, 100) == [74, 87, 100]


def test_text_is_escaped() -> None:
    chart = line_chart("a\"b", "<Tỷ lệ> & \"kế hoạch\"",
                       [Series("<script>alert(1)</script>", ((2021, 50.0),))])
    assert "<script>" not in chart
    root = parse(chart)  # well-formed despite the markup in every text
    assert root.find(f"{SVG}title") is not None
    assert root.find(f"{SVG}title").text == "<Tỷ lệ> & \"kế hoạch\""  # type: ignore[union-attr]
    assert root.get("aria-labelledby") == 'a"b-title a"b-desc'


def test_one_survey_year_is_a_point_in_the_middle() -> None:
    """One year: x = (44 + 300) / 2 = 172; no line to draw, the marker alone."""
    root = parse(line_chart("t", "Tỷ lệ", [Series("A", ((2021, 50.0),))],
                            scale=Scale(0, 100, 20)))
    (group,) = series_groups(root)
    assert [marker_centre(e) for e in group] == [(172, 124)]


def test_a_rate_that_does_not_apply_breaks_the_line() -> None:
    """2021 has no cohort: two markers, no segment through a zero that was never measured."""
    series = Series("A", ((2020, 40.0), (2021, None), (2022, 60.0)))
    root = parse(line_chart("t", "Tỷ lệ", [series], scale=Scale(0, 100, 20)))
    (group,) = series_groups(root)
    assert [e for e in group if e.get("class") == "line"] == []
    assert len([e for e in group if "marker" in (e.get("class") or "")]) == 2
    assert "2021 không áp dụng" in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]


def test_no_data_says_so() -> None:
    for chart in (line_chart("t", "Tỷ lệ", []), line_chart("t", "Tỷ lệ", [Series("A", ())]),
                  level_chart("t", "Mức", [], empty_text="Không có năm nào")):
        root = parse(chart)
        assert series_groups(root) == []
        assert any(t.get("class") == "empty" for t in root.iter(f"{SVG}text"))
    assert "Không có năm nào" in level_chart("t", "Mức", [], empty_text="Không có năm nào")


def test_levels_are_steps_over_the_years() -> None:
    """Levels 0–3 on 234…14: 73.3 px a level. One standard (no offset), level 1 in 2020
    and 3 in 2022 on x from 64 (wider left margin for "Chưa đạt") to 300: the step
    holds level 1 (y 160.7) until 2022, then rises to level 3 (y 14)."""
    root = parse(level_chart("t", "Mức", [Series("Tiểu học", ((2020, 1), (2022, 3)))]))
    (group,) = series_groups(root)
    (path,) = [e for e in group if e.get("class") == "line"]
    assert path.get("d") == "M64,160.7L300,160.7L300,14"
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks == ["Chưa đạt", "Mức 1", "Mức 2", "Mức 3"]
    assert "Tiểu học: 2020 Mức 1, 2022 Mức 3" in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]


def test_the_chart_scales_to_a_phone() -> None:
    root = parse(line_chart("t", "Tỷ lệ", [Series("A", ((2021, 50.0),))]))
    assert root.get("viewBox") == "0 0 400 264"
    assert root.get("width") is None and root.get("role") == "img"


def test_the_axis_shows_where_high_rates_are() -> None:
    """92–99% with a 90% threshold: from 80 (the tens below 90, less ten) to 100 in fives;
    a rate under 50% keeps the whole 0–100 axis."""
    assert rate_scale([92.0, 99.0, 90.0]) == Scale(80, 100, 5)
    assert rate_scale([30.0, 95.0]) == Scale(0, 100, 20)


def test_vietnamese_percentages() -> None:
    assert percent_label(51.6) == "51,60%"
    assert level_label(95) == "95%"
    assert level_label(1234.5) == "1.234,5%"


def test_years_are_thinned_when_they_do_not_fit() -> None:
    """256 px hold 256 // 36 = 7 year labels: 2000–2020 (21 years) shows every third
    year, 2000, 2003, …, 2018, and 2020 replaces 2018's neighbour only if too close:
    x(2020) − x(2018) = 2 × 256 / 20 = 25.6 px < 36, so 2018 gives way to 2020."""
    series = [Series("A", tuple((year, 50.0) for year in range(2000, 2021)))]
    root = parse(line_chart("t", "Tỷ lệ", series))
    shown = [int(t.text or 0) for t in root.iter(f"{SVG}text") if t.get("class") == "tick year"]
    assert shown == [2000, 2003, 2006, 2009, 2012, 2015, 2020]


def test_long_end_labels_get_room() -> None:
    """"Tiểu học (6–10)" has 15 characters: 12 + 15 × 12 × 0.6 = 120 px of right margin
    instead of 100, so the plot ends at 400 − 120 = 280 and the label fits before 400."""
    root = parse(line_chart("t", "Tỷ lệ", [Series("Tiểu học (6–10)", ((2021, 50.0),
                                                                      (2022, 60.0)))]))
    (group,) = series_groups(root)
    assert [marker_centre(e)[0] for e in group if e.tag == f"{SVG}circle"] == [44, 280]


def test_the_chart_draws_the_line_only_when_its_years_cross_it() -> None:
    """Years 2023 and 2025 on the 256 px plot from x 44: 2024.5 is at 44 + 1,5/2 × 256 = 236;
    the label sits under the years, the drawing 16 px taller for it (264 + 16 = 280); an
    approximate year reads "≈ 2023" on the axis (numbers.approximate)."""
    divide = Divide(2024.5, "01/7/2025: sắp xếp đơn vị hành chính")
    crossing = line_chart("c", "T", [Series("A", ((2023, Fraction(65)), (2025, 100)))],
                          divide=divide, approximate=frozenset({2023}))
    assert '<g class="divide" data-at="2024.5"><line x1="236"' in crossing
    assert 'viewBox="0 0 400 280"' in crossing
    assert ">01/7/2025: sắp xếp đơn vị hành chính</text>" in crossing
    assert ">≈ 2023</text>" in crossing and ">2025</text>" in crossing
    assert "≈ gần đúng: 2023" in crossing
    before = line_chart("c", "T", [Series("A", ((2022, 75), (2023, 65)))], divide=divide)
    assert 'class="divide"' not in before and "sắp xếp" not in before
