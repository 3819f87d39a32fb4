"""Each screenshot compared with the last accepted one, so that an unintended change fails.

The repository keeps a reduced copy of each accepted screenshot (tests/browser/accepted/,
a few kilobytes each): grey, scaled to a fixed width per screen size (REDUCED_WIDTH:
a quarter of the desktop's 1366 px, 160 of the phone's 390) and cut to 16 shades, as PNG.
A new screenshot is reduced the same way and compared pixel by pixel:

- a pixel has *changed* when its shade differs by more than one step of the 16
  (PIXEL_STEP, 17 of 255): the anti-aliasing of one glyph moving a subpixel does not;
- the page has changed when more than CHANGED_SHARE of its pixels changed (0,3%: a
  table's header in a column of its own, a card under another, a row more or less all
  change several percent; at this scale a few digits of a figure do not) or when the
  mean difference exceeds MEAN_DIFFERENCE (1 shade of 255: a colour change over a large
  area), or when the page's height changed (pages are photographed to their end, up to
  conftest.LONGEST_SHOT px).

A page that changed, or has no accepted copy, fails its test at the end (after the
journey has photographed every page, so that one run lists them all), naming the page,
the share changed and the mean difference; test-artifacts/visual-diff/ gets an image of
the accepted copy, the new one and the changed pixels in red, side by side.

Re-accepting is one command, after looking at the screenshots in
test-artifacts/screenshots/: `PHOCAP_ACCEPT_SCREENSHOTS=1` in the environment of the
browser tests (`make accept-screenshots`) writes every screenshot taken as the new
accepted copy, then `git diff --stat tests/browser/accepted` shows which pages changed.

What a page shows must not depend on the day or the run: the clock is stopped
(tests/browser/clock.py), the data are generated from fixed seeds, the database's ids
start from 1 in every test (conftest.units), and the few things random by design (a
new second factor's secret) are painted over before the comparison (VOLATILE).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
ACCEPTED = ROOT / "tests" / "browser" / "accepted"
DIFFS = ROOT / "test-artifacts" / "visual-diff"
ACCEPT_VARIABLE = "PHOCAP_ACCEPT_SCREENSHOTS"
REDUCED_WIDTH = {"1366x768": 342, "390x844": 160}
SHADES = 16
PIXEL_STEP = 255 // (SHADES - 1)  # 17: one shade
CHANGED_SHARE = 0.003
MEAN_DIFFERENCE = 1.0
DIFFERENCES: list[str] = []
"""The running test's screenshots that differ from their accepted copies (conftest fails the
test on them at its end). Kept here, not in conftest: pytest loads conftest.py under a
name of its own, and the tests importing `tests.browser.conftest` get a second copy."""
# Shown on purpose differently in each run: painted over (grey) before reducing.
VOLATILE = ("#totp-secret", "#totp-uri")
VOLATILE_JS = """
return [...document.querySelectorAll(arguments[0])].filter(e => e.checkVisibility())
  .map(e => e.getBoundingClientRect())
  .filter(r => r.width && r.height)
  .map(r => [r.left + window.scrollX, r.top + window.scrollY, r.right + window.scrollX,
             r.bottom + window.scrollY]);
"""


def accepting() -> bool:
    return os.environ.get(ACCEPT_VARIABLE, "") not in ("", "0")


def reduce(png: bytes, size: str, masked: list[list[float]]) -> Image.Image:
    """The screenshot as stored: grey, its width REDUCED_WIDTH[size], in SHADES shades."""
    image = Image.open(io.BytesIO(png)).convert("L")
    draw = ImageDraw.Draw(image)
    for box in masked:
        draw.rectangle([round(v) for v in box], fill=128)
    width = REDUCED_WIDTH[size]
    height = max(1, round(image.height * width / image.width))
    small = image.resize((width, height), Image.Resampling.BOX)
    return small.point(lambda v: min(SHADES - 1, (v + PIXEL_STEP // 2) // PIXEL_STEP) * PIXEL_STEP)


def encoded(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", bits=4, optimize=True)
    return out.getvalue()


@dataclass(frozen=True)
class Difference:
    changed: float  # share of the pixels whose shade changed by more than one step
    mean: float  # mean difference, in shades of 255
    heights: tuple[int, int]  # accepted, new (reduced pixels)

    @property
    def fails(self) -> bool:
        return (self.changed > CHANGED_SHARE or self.mean > MEAN_DIFFERENCE
                or self.heights[0] != self.heights[1])

    def __str__(self) -> str:
        height = ("" if self.heights[0] == self.heights[1] else
                  f", height {self.heights[0]} → {self.heights[1]} px")
        return (f"{self.changed:.2%} of the pixels changed (tolerance {CHANGED_SHARE:.2%}),"
                f" mean difference {self.mean:.2f} (tolerance {MEAN_DIFFERENCE}){height}")


def _padded(image: Image.Image, height: int) -> Image.Image:
    canvas = Image.new("L", (image.width, height), 255)
    canvas.paste(image, (0, 0))
    return canvas


def compare(accepted: Image.Image, new: Image.Image) -> tuple[Difference, Image.Image]:
    """How much changed, and the picture of it: accepted, new, changed pixels in red."""
    height = max(accepted.height, new.height)
    old, now = _padded(accepted.convert("L"), height), _padded(new, height)
    delta = ImageChops.difference(old, now)
    histogram = delta.histogram()
    pixels = old.width * height
    changed = sum(histogram[PIXEL_STEP + 1:]) / pixels
    mean = sum(value * count for value, count in enumerate(histogram)) / pixels
    marks = delta.point(lambda v: 255 if v > PIXEL_STEP else 0)
    shown = Image.merge("RGB", (now, now, now))
    shown.paste((220, 0, 0), mask=marks)
    picture = Image.new("RGB", (old.width * 3 + 20, height), (255, 255, 255))
    picture.paste(old.convert("RGB"), (0, 0))
    picture.paste(now.convert("RGB"), (old.width + 10, 0))
    picture.paste(shown, (old.width * 2 + 20, 0))
    return Difference(changed, mean, (accepted.height, new.height)), picture


def check(name: str, size: str, png: bytes, masked: list[list[float]]) -> str | None:
    """None when the screenshot matches its accepted copy (or was accepted now); otherwise
    what is wrong, in a sentence that says what to do."""
    reduced = reduce(png, size, masked)
    stored = ACCEPTED / f"{name}-{size}.png"
    if accepting():
        ACCEPTED.mkdir(parents=True, exist_ok=True)
        stored.write_bytes(encoded(reduced))
        return None
    if not stored.exists():
        return (f"{name} at {size}: no accepted screenshot ({stored.relative_to(ROOT)}"
                f" missing); look at test-artifacts/screenshots/ and accept it with"
                f" {ACCEPT_VARIABLE}=1 (make accept-screenshots)")
    with Image.open(stored) as accepted:
        difference, picture = compare(accepted, Image.open(io.BytesIO(encoded(reduced))))
    if not difference.fails:
        return None
    DIFFS.mkdir(parents=True, exist_ok=True)
    picture.save(DIFFS / f"{name}-{size}.png")
    return (f"{name} at {size} differs from the accepted screenshot: {difference};"
            f" see test-artifacts/visual-diff/{name}-{size}.png (accepted, new, changes);"
            f" if intended, accept with {ACCEPT_VARIABLE}=1 (make accept-screenshots)")
