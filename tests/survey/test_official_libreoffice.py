"""The written .xls opened by another program: LibreOffice, as an officer's office has it.

Our reader (calamine) reading our writer (xlwt) proves little about the file on its
own: here LibreOffice opens each written village file and saves it again, as .xlsx
and as .xls, and what it saved reads back to the same records. Skipped when
``soffice`` is not installed (Debian: ``apt-get install libreoffice-calc``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

from phocap.survey.official import writing
from tests.survey.test_official_write import FIXTURES, assert_same, our_records, read_back

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed")]


def saved_by_libreoffice(paths: list[Path], target: str, folder: Path) -> list[Path]:
    """Open each file in LibreOffice and save it as ``target`` ("xlsx", "xls") in ``folder``."""
    assert SOFFICE is not None
    folder.mkdir()
    profile = (folder.parent / "profile").as_uri()  # its own, so parallel runs do not clash
    filters = {"xlsx": "xlsx", "xls": "xls:MS Excel 97"}
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         filters[target], "--outdir", str(folder), *map(str, paths)],
        check=True, capture_output=True, timeout=180,
    )
    saved = sorted(folder.glob(f"*.{target}"))
    assert [p.stem for p in saved] == sorted(p.stem for p in paths)
    return saved


@pytest.mark.parametrize("target", ["xlsx", "xls"])
def test_libreoffice_opens_the_written_xls_and_what_it_saves_reads_the_same(
    tmp_path: Path, target: str
) -> None:
    records = our_records(FIXTURES / "en.csv").filter(
        pl.col("commune_code") == "03319")
    written = []
    for village, part in writing.villages(records):
        written.append(tmp_path / writing.file_name(village, ".xls"))
        writing.write_village(part, written[-1])
    assert len(written) == 2  # Bản Pồn, Bản Pá Ngam
    saved = saved_by_libreoffice(written, target, tmp_path / "saved")
    assert_same(read_back(saved, 2021, "03319"), writing.carried(records))
