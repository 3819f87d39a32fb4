"""Charts over survey years, drawn on the server as SVG text.

Why SVG written here rather than a vendored JavaScript chart library:
- Nothing runs in the browser and nothing is fetched: the chart is in the page's
  HTML, so it shows offline, behind a district office's proxy, with scripts off,
  and on the cheap phones communes use.
- It prints as drawn. The same markup goes to paper and into a PDF dossier; a
  canvas chart prints blurred or blank, and a print stylesheet can turn every
  stroke black (the series stay apart by dash pattern and marker shape, never
  by colour alone, so they read in black and white).
- It is accessible: each chart has a ``<title>`` and a ``<desc>`` that states its
  numbers, and the page prints the same numbers in a table.
- It is small and ours: a line chart and a step chart over a handful of years
  are a few hundred lines we test, instead of a large library to vendor, audit
  and keep up to date.
- ``viewBox`` lets it scale to a phone's width without a second rendering.

Values are percentages (0–100) for line charts and levels (0–3) for the step
chart; a value of ``None`` is a year where the rate does not apply (an empty
cohort), drawn as a gap, never as zero. A rate is best given as its exact Fraction:
it is placed as a float but labelled by phocap.numbers, so the chart reads the
same digits as the table beside it and every other output.

A series that crosses a change of the units (the reorganisation of 1 July 2025)
shows it: a ``Divide`` is a vertical line between the survey years on either
side, labelled in full under the axis, and each year whose figures are
approximate (summed over predecessors, register/series.py) has its axis label
marked approximate, as the table's figures are (numbers.approximate).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from html import escape
from itertools import pairwise

from phocap import numbers

# A small drawing with large type: scaled to a phone's 350 px the 12 px text stays
# about 10 px high; on a desktop the page caps the chart's width instead.
WIDTH = 400
HEIGHT = 264
MARGIN_TOP = 14
MARGIN_BOTTOM = 30
MARGIN_LEFT = 44
MARGIN_RIGHT = 100  # room for the labels at the end of each line
FONT_SIZE = 12
LABEL_GAP = 14  # between two labels' baselines: a line of 12 px text and some air
YEAR_LABEL_WIDTH = 36  # "2021" and the space around it
DIVIDE_ROOM = 16  # below the years, for a divide's label
LEVEL_NAMES = ("Chưa đạt", "Mức 1", "Mức 2", "Mức 3")
EMPTY_TEXT = "Chưa có số liệu"


@dataclass(frozen=True)
class Style:
    """How one series is told apart without colour: a dash pattern and a marker shape."""

    colour: str
    dash: str  # SVG stroke-dasharray; "" is a solid line
    marker: str  # circle, square, triangle, diamond, triangle_down, cross
    filled: bool


# Every pair differs in both dash pattern and marker shape (tests check it); the
# colours help on screen and vanish harmlessly in print.
STYLES = (
    Style("#0b5cad", "", "circle", True),
    Style("#b3261e", "7 4", "square", False),
    Style("#1e7a3c", "2 3", "triangle", True),
    Style("#8a5a00", "10 3 2 3", "diamond", False),
    Style("#6a3d9a", "4 2", "triangle_down", True),
    Style("#1d2430", "1 5", "cross", False),
)


@dataclass(frozen=True)
class Series:
    """One line: a label and a value per survey year (None where it does not apply)."""

    label: str
    points: tuple[tuple[int, Fraction | float | None], ...]


@dataclass(frozen=True)
class Reference:
    """A dashed horizontal line: a threshold of the law or a plan target."""

    label: str
    value: float


@dataclass(frozen=True)
class Divide:
    """A change between survey years that a series crosses: a vertical line at ``at`` (a
    year position, 2024.5 between 2024 and 2025) and its label under the axis."""

    at: float
    label: str


@dataclass(frozen=True)
class Scale:
    """The value axis: from ``low`` to ``high`` with a tick every ``step``."""

    low: float
    high: float
    step: float

    def ticks(self) -> list[float]:
        count = round((self.high - self.low) / self.step)
        return [self.low + i * self.step for i in range(count + 1)]


def percent_label(value: Fraction | float) -> str:
    """A rate in percent as every output shows it: 51.6 → "51,60%"."""
    return numbers.points(numbers.exact(value))


def level_label(value: Fraction | float) -> str:
    """A threshold, target or tick in percent, without needless zeros: 95.0 → "95%"."""
    return numbers.threshold(numbers.exact(value) / 100)


def rate_scale(values: Sequence[float]) -> Scale:
    """A percentage axis that shows where the values are.

    Rates near a 90–98% threshold would be a flat line on a 0–100 axis, so when
    every value is 50% or more the axis starts at the tens below the smallest
    value, less ten (92 → 80); otherwise it starts at 0. It ends at 100 unless a
    value exceeds it (gross rates can).
    """
    if not values:
        return Scale(0, 100, 20)
    smallest, largest = min(values), max(values)
    low = max(0.0, 10 * math.floor(smallest / 10) - 10) if smallest >= 50 else 0.0
    high = max(100.0, 10 * math.ceil(largest / 10))
    span = high - low
    step = 5.0 if span <= 25 else 10.0 if span <= 50 else 20.0 if span <= 100 else 25.0
    high = low + step * math.ceil(span / step)
    return Scale(low, high, step)


@dataclass(frozen=True)
class Frame:
    """The plot area inside the margins and the mapping of years and values onto it."""

    years: tuple[int, ...]
    scale: Scale
    width: int = WIDTH
    height: int = HEIGHT
    left: int = MARGIN_LEFT
    right: int = MARGIN_RIGHT
    bottom: int = MARGIN_BOTTOM

    @property
    def x0(self) -> float:
        return float(self.left)

    @property
    def x1(self) -> float:
        return float(self.width - self.right)

    @property
    def y0(self) -> float:
        return float(MARGIN_TOP)

    @property
    def y1(self) -> float:
        return float(self.height - self.bottom)

    def x(self, year: float) -> float:
        """Years in proportion (a skipped year leaves its gap); one year sits in the middle."""
        first, last = self.years[0], self.years[-1]
        if first == last:
            return (self.x0 + self.x1) / 2
        return self.x0 + (year - first) / (last - first) * (self.x1 - self.x0)

    def y(self, value: float) -> float:
        low, high = self.scale.low, self.scale.high
        return self.y1 - (value - low) / (high - low) * (self.y1 - self.y0)


def _n(value: float) -> str:
    """A coordinate with one decimal, without a trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(x: float, y: float, text: str, css: str, anchor: str = "start") -> str:
    return (f'<text x="{_n(x)}" y="{_n(y)}" class="{css}" text-anchor="{anchor}">'
            f"{escape(text)}</text>")


def marker(style: Style, x: float, y: float) -> str:
    """The series' marker shape centred on (x, y)."""
    fill = style.colour if style.filled else "#fff"
    css = "marker filled" if style.filled else "marker hollow"
    common = f'class="{css}" fill="{fill}" stroke="{style.colour}" stroke-width="1.5"'
    if style.marker == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" {common}/>'
    if style.marker == "square":
        return f'<rect x="{_n(x - 4)}" y="{_n(y - 4)}" width="8" height="8" {common}/>'
    shapes = {
        "triangle": ((0, -5), (4.5, 3.5), (-4.5, 3.5)),
        "triangle_down": ((0, 5), (4.5, -3.5), (-4.5, -3.5)),
        "diamond": ((0, -5), (5, 0), (0, 5), (-5, 0)),
    }
    if style.marker in shapes:
        corners = " ".join(f"{_n(x + dx)},{_n(y + dy)}" for dx, dy in shapes[style.marker])
        return f'<polygon points="{corners}" {common}/>'
    return (f'<path d="M{_n(x - 4)},{_n(y - 4)}L{_n(x + 4)},{_n(y + 4)}'
            f'M{_n(x - 4)},{_n(y + 4)}L{_n(x + 4)},{_n(y - 4)}" class="marker cross" '
            f'fill="none" stroke="{style.colour}" stroke-width="2"/>')


def spread(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label positions as near as possible to ``wanted`` but at least ``gap`` apart.

    Pushes labels down in order of their wanted position, then, if the last one
    fell below ``high``, shifts the run back up (never above ``low``).
    """
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [0.0] * len(wanted)
    previous = -math.inf
    for i in order:
        placed[i] = max(wanted[i], previous + gap)
        previous = placed[i]
    if order and placed[order[-1]] > high:
        shift = placed[order[-1]] - high
        for i in order:
            placed[i] = max(low, placed[i] - shift)
    return placed


def _open(chart_id: str, title: str, description: str, frame: Frame) -> list[str]:
    ident = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}"'
        f' class="chart" role="img" aria-labelledby="{ident}-title {ident}-desc"'
        f' font-family="system-ui, sans-serif" font-size="{FONT_SIZE}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]


def _empty(chart_id: str, title: str, empty_text: str) -> str:
    frame = Frame((0,), Scale(0, 100, 20))
    return "".join([
        *_open(chart_id, title, empty_text, frame),
        _text(frame.width / 2, frame.height / 2, empty_text, "empty", "middle"),
        "</svg>",
    ])


def _grid(frame: Frame, tick_label: dict[float, str],
          approximate: frozenset[int] = frozenset()) -> list[str]:
    parts = ['<g class="grid" stroke="#d5dae1" stroke-width="1">']
    for value in frame.scale.ticks():
        y = frame.y(value)
        parts.append(f'<line x1="{_n(frame.x0)}" y1="{_n(y)}" x2="{_n(frame.x1)}" y2="{_n(y)}"/>')
    for year in frame.years:
        x = frame.x(year)
        parts.append(f'<line x1="{_n(x)}" y1="{_n(frame.y0)}" x2="{_n(x)}" y2="{_n(frame.y1)}"/>')
    parts.append("</g>")
    parts.append(f'<line class="axis" x1="{_n(frame.x0)}" y1="{_n(frame.y1)}" '
                 f'x2="{_n(frame.x1)}" y2="{_n(frame.y1)}" stroke="#1d2430"/>')
    parts.append('<g class="ticks" fill="#1d2430">')
    for value in frame.scale.ticks():
        parts.append(_text(frame.x0 - 6, frame.y(value) + 4, tick_label[value], "tick", "end"))
    for year in labelled_years(frame):
        label, css = ((numbers.approximate(numbers.year(year)), "tick year approximate")
                      if year in approximate else (numbers.year(year), "tick year"))
        parts.append(_text(frame.x(year), frame.y1 + 18, label, css, "middle"))
    parts.append("</g>")
    return parts


def crossing(frame: Frame, divide: Divide | None) -> Divide | None:
    """The divide, if the chart has survey years on both sides of it; else None."""
    if divide is None or not frame.years[0] < divide.at < frame.years[-1]:
        return None
    return divide


def _divide(frame: Frame, divide: Divide) -> list[str]:
    """The vertical line through the plot down to its label, which is centred under it and
    kept inside the drawing (its width estimated at 0.55 em a character)."""
    x, y = frame.x(divide.at), frame.y1 + 18 + DIVIDE_ROOM
    half = len(divide.label) * FONT_SIZE * 0.55 / 2
    if x - half < 2:
        at, anchor = 2.0, "start"
    elif x + half > frame.width - 2:
        at, anchor = frame.width - 2.0, "end"
    else:
        at, anchor = x, "middle"
    return [f'<g class="divide" data-at="{_n(divide.at)}">'
            f'<line x1="{_n(x)}" y1="{_n(frame.y0)}" x2="{_n(x)}" y2="{_n(y - FONT_SIZE)}" '
            f'stroke="#1d2430" stroke-width="1.5" stroke-dasharray="2 2"/>',
            _text(at, y, divide.label, "divide-label", anchor), "</g>"]


def labelled_years(frame: Frame) -> list[int]:
    """Every year while they fit under the axis; else every k-th, always with the last."""
    years = list(frame.years)
    fitting = max(2, int((frame.x1 - frame.x0) // YEAR_LABEL_WIDTH))
    every = math.ceil(len(years) / fitting)
    shown = years[::every]
    if shown[-1] != years[-1]:
        shown = [*shown[:-1], years[-1]] if len(shown) > 1 and (
            frame.x(years[-1]) - frame.x(shown[-1]) < YEAR_LABEL_WIDTH) else [*shown, years[-1]]
    return shown


def _runs(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Consecutive drawable points; a None (rate not applicable) breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _series(frame: Frame, index: int, series: Series, step: bool,
            offset: float = 0.0) -> tuple[list[str], tuple[float, float] | None]:
    """A series' line and markers, and where its last point is (for the end label)."""
    style = STYLES[index % len(STYLES)]
    placed = [None if v is None else (frame.x(year), frame.y(float(v)) + offset)
              for year, v in series.points]
    parts = [f'<g class="series series-{index + 1}" data-label="{escape(series.label)}">']
    for run in (r for r in _runs(placed) if len(r) > 1):
        path = f"M{_n(run[0][0])},{_n(run[0][1])}"
        for (_, y_before), (x, y) in pairwise(run):
            # A step holds the level of one survey until the next one changes it.
            path += f"L{_n(x)},{_n(y_before)}L{_n(x)},{_n(y)}" if step else f"L{_n(x)},{_n(y)}"
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        parts.append(f'<path d="{path}" class="line" fill="none" stroke="{style.colour}" '
                     f'stroke-width="2"{dash}/>')
    parts += [marker(style, x, y) for x, y in (p for p in placed if p is not None)]
    parts.append("</g>")
    last = next((p for p in reversed(placed) if p is not None), None)
    return parts, last


def _end_labels(frame: Frame, series: Sequence[Series],
                ends: Sequence[tuple[float, float] | None]) -> list[str]:
    drawn = [(i, end) for i, end in enumerate(ends) if end is not None]
    ys = spread([end[1] + 4 for _, end in drawn], LABEL_GAP, frame.y0 + 4, frame.y1 + 4)
    parts = ['<g class="end-labels" fill="#1d2430">']
    for (i, end), y in zip(drawn, ys, strict=True):
        parts.append(_text(end[0] + 9, y, series[i].label, f"end-label series-{i + 1}"))
    parts.append("</g>")
    return parts


def label_room(series: Sequence[Series]) -> int:
    """The right margin: at least MARGIN_RIGHT, more for long end labels (at most 150).

    Estimated at 0.6 em a character (system sans-serif averages a little less),
    so a label is never cut at the edge of the drawing.
    """
    longest = max((len(s.label) for s in series), default=0)
    return min(150, max(MARGIN_RIGHT, 12 + math.ceil(longest * FONT_SIZE * 0.6)))


def _years(series: Sequence[Series]) -> tuple[int, ...]:
    return tuple(sorted({year for s in series for year, _ in s.points}))


def _describe(series: Sequence[Series], show: dict[int, str] | None,
              references: Sequence[Reference] = (), divide: Divide | None = None,
              approximate: frozenset[int] = frozenset()) -> str:
    def value(v: Fraction | float | None) -> str:
        if v is None:
            return "không áp dụng"
        if show is not None:
            return show.get(round(v), numbers.decimal(numbers.exact(v)))
        return percent_label(v)

    parts = [f"{s.label}: " + ", ".join(f"{year} {value(v)}" for year, v in s.points)
             for s in series]
    parts += [f"{r.label}: {level_label(r.value)}" for r in references]
    if approximate:
        parts.append(f"{numbers.APPROXIMATE} gần đúng: "
                     + ", ".join(numbers.year(y) for y in sorted(approximate)))
    if divide is not None:
        parts.append(divide.label)
    return "; ".join(parts) + "."


def _framed(years: tuple[int, ...], scale: Scale, divide: Divide | None,
            **sides: int) -> tuple[Frame, Divide | None]:
    """The frame, with room under the axis for the divide when the years cross it."""
    frame = Frame(years, scale, **sides)
    crossed = crossing(frame, divide)
    if crossed is not None:
        frame = Frame(years, scale, height=HEIGHT + DIVIDE_ROOM,
                      bottom=MARGIN_BOTTOM + DIVIDE_ROOM, **sides)
    return frame, crossed


def line_chart(chart_id: str, title: str, series: Sequence[Series],
               references: Sequence[Reference] = (), scale: Scale | None = None,
               empty_text: str = EMPTY_TEXT, divide: Divide | None = None,
               approximate: frozenset[int] = frozenset()) -> str:
    """Rates (percent) over survey years, one line per series, with dashed reference lines.

    Each series has its own dash pattern and marker shape and its label at the
    end of the line (no legend to match by colour); a reference (threshold or
    plan) is a grey dashed line labelled inside the plot. A ``divide`` the years cross
    is drawn, and the ``approximate`` years are marked on the axis.
    """
    years = _years(series)
    if not years:
        return _empty(chart_id, title, empty_text)
    values = [float(v) for s in series for _, v in s.points if v is not None]
    scale = scale or rate_scale(values + [r.value for r in references])
    frame, crossed = _framed(years, scale, divide, right=label_room(series))
    approximate = frozenset(approximate) & frozenset(years)
    parts = _open(chart_id, title,
                  _describe(series, None, references, crossed, approximate), frame)
    parts += _grid(frame, {t: level_label(t) for t in scale.ticks()}, approximate)
    if crossed is not None:
        parts += _divide(frame, crossed)
    parts.append('<g class="references" stroke="#5b6575" stroke-width="1.5" '
                 'stroke-dasharray="5 4">')
    for reference in references:
        y = frame.y(reference.value)
        parts.append(f'<line class="reference" x1="{_n(frame.x0)}" y1="{_n(y)}" '
                     f'x2="{_n(frame.x1)}" y2="{_n(y)}"/>')
    parts.append("</g>")
    ys = spread([frame.y(r.value) - 3 for r in references], LABEL_GAP, frame.y0 + 8, frame.y1)
    parts.append('<g class="reference-labels" fill="#5b6575">')
    parts += [_text(frame.x0 + 4, y, f"{r.label}: {level_label(r.value)}",
                    "reference-label") for r, y in zip(references, ys, strict=True)]
    parts.append("</g>")
    ends = []
    for index, one in enumerate(series):
        drawn, end = _series(frame, index, one, step=False)
        parts += drawn
        ends.append(end)
    parts += _end_labels(frame, series, ends)
    parts.append("</svg>")
    return "".join(parts)


def level_chart(chart_id: str, title: str, series: Sequence[Series],
                level_names: Sequence[str] = LEVEL_NAMES,
                empty_text: str = EMPTY_TEXT, divide: Divide | None = None,
                approximate: frozenset[int] = frozenset()) -> str:
    """Levels 0–3 of each standard over survey years, as steps.

    Several standards often share a level, and their lines would lie on top of
    one another; each series is therefore drawn a few pixels above or below the
    level (symmetrically around it), which the markers and the table beside
    make clear. A ``divide`` and ``approximate`` years as in ``line_chart``.
    """
    years = _years(series)
    if not years:
        return _empty(chart_id, title, empty_text)
    top = len(level_names) - 1
    frame, crossed = _framed(years, Scale(0, top, 1), divide, left=64,
                             right=label_room(series))
    approximate = frozenset(approximate) & frozenset(years)
    show = dict(enumerate(level_names))
    parts = _open(chart_id, title, _describe(series, show, (), crossed, approximate), frame)
    parts += _grid(frame, {float(i): name for i, name in enumerate(level_names)}, approximate)
    if crossed is not None:
        parts += _divide(frame, crossed)
    ends = []
    for index, one in enumerate(series):
        offset = (index - (len(series) - 1) / 2) * 4
        drawn, end = _series(frame, index, one, step=True, offset=offset)
        parts += drawn
        ends.append(end)
    parts += _end_labels(frame, series, ends)
    parts.append("</svg>")
    return "".join(parts)
