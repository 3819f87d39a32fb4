"""The build: packaged data reproducible from the sources; source quirks handled."""

import csv
from importlib import resources
from pathlib import Path

import pytest

from phocap.units.build import SourceError, build, build_main

DATA_FILES = ("units-2025-01-04.csv", "units-2025-07-01.csv", "conversion-2025-07-01.csv")

OLD_HEADER = "Tỉnh Thành Phố,Mã TP,Quận Huyện,Mã QH,Phường Xã,Mã PX,Cấp,Tên Tiếng Anh\n"
CONVERSION_HEAD = (
    "Đơn vị hành chính từ ngày 01/7/2025,,,Đơn vị hành chính trước ngày 01/7/2025,,,,,\n"
    '"Tỉnh, thành phố",Tên Xã mới,Mã Xã mới,Tên Xã cũ,Mã Xã cũ,Ghi chú,Quận/huyện,Tỉnh cũ,\n'
    "LÀO CAI  ,,,,,,,,\n"
)


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_sources(directory: Path, old: str, conversion: str) -> Path:
    (directory / "communes-2025-01-04.csv").write_text(OLD_HEADER + old, encoding="utf-8")
    (directory / "conversion-2025-07-01.csv").write_text(
        CONVERSION_HEAD + conversion, encoding="utf-8"
    )
    return directory


def test_packaged_data_equals_a_fresh_build(source_dir: Path, tmp_path: Path) -> None:
    report = build(source_dir, tmp_path)
    packaged = resources.files("phocap.units") / "data"
    for name in DATA_FILES:
        fresh = (tmp_path / name).read_bytes()
        assert fresh == (packaged / name).read_bytes(), f"{name} is stale: rebuild the data"
    assert report.counts["old_provinces"] == 63
    assert report.counts["old_districts"] == 696
    assert report.counts["old_communes"] == 10_051
    assert report.counts["new_provinces"] == 34
    assert report.counts["new_communes"] == 3_321


SMALL_OLD = (
    "Tỉnh Lào Cai,10,Huyện Si Ma Cai,084,Thị Trấn Si Ma Cai,02809,Thị trấn,\n"
    "Tỉnh Lào Cai,10,Huyện Si Ma Cai,084,Xã Nàn Sán,02800,Xã,Nan San Commune\n"
    "Tỉnh Lào Cai,10,Huyện  Si Ma Cai,084,Xã  Sán Chải,02812,Xã,\n"
    "Tỉnh Lào Cai,10,Huyện Đảo,085,,,Huyện,\n"
)
SMALL_CONVERSION = (
    "Tỉnh Lào Cai (15),Xã Si Ma Cai,02809,Xã Nàn Sán,02800,Nhập toàn bộ,"
    "Huyện Si Ma Cai (084),Tỉnh Lào Cai (10),\n"
    'Tỉnh Lào Cai (15),"Xã Si Ma Cai\n",02809,Thị trấn Si Ma Cai,02809,"Nhập một phần\n",'
    "Huyện Si Ma Cai (084),Tỉnh Lào Cai (10),\n"
    "Tỉnh Lào Cai (15),Xa Sán Chải,02812,Thị trấn Si Ma Cai,02809,"
    '"Nhập một phần diện tích, toàn bộ dân số",Huyện Si Ma Cai (084),Tỉnh Lào Cai (10),\n'
    "Tỉnh Lào Cai (15),Xã Sán Chải,02812,Xã Sán Chải,02812,Giữ nguyên ,"
    "Huyện Si Ma Cai (084),Lào Cai (11),\n"
    "Tỉnh Lào Cai (15),Đặc khu Đảo,02815,,,Sắp xếp toàn bộ huyện Đảo thành đặc khu Đảo,"
    "Huyện Đảo (085),Tỉnh Lào Cai (10),\n"
)


def test_build_of_a_small_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_sources(tmp_path, SMALL_OLD, SMALL_CONVERSION)
    out = tmp_path / "out"
    build_main(source, out)
    assert read(out / "units-2025-01-04.csv")[1:] == [
        ["10", "Tỉnh Lào Cai", "province", "Tỉnh", "", "10", ""],
        ["084", "Huyện Si Ma Cai", "district", "Huyện", "10", "10", "084"],
        ["085", "Huyện Đảo", "district", "Huyện", "10", "10", "085"],
        ["02800", "Xã Nàn Sán", "commune", "Xã", "084", "10", "084"],
        ["02809", "Thị trấn Si Ma Cai", "commune", "Thị trấn", "084", "10", "084"],
        ["02812", "Xã Sán Chải", "commune", "Xã", "084", "10", "084"],
    ]
    assert read(out / "units-2025-07-01.csv")[1:] == [
        ["15", "Tỉnh Lào Cai", "province", "Tỉnh", "", "15", ""],
        ["02809", "Xã Si Ma Cai", "commune", "Xã", "15", "15", ""],
        ["02812", "Xã Sán Chải", "commune", "Xã", "15", "15", ""],
        ["02815", "Đặc khu Đảo", "commune", "Đặc khu", "15", "15", ""],
    ]
    detail = "Nhập một phần diện tích, toàn bộ dân số"
    island = "Sắp xếp toàn bộ huyện Đảo thành đặc khu Đảo"
    assert read(out / "conversion-2025-07-01.csv")[1:] == [
        ["02800", "02809", "whole", "084", "10", "15", "Xã Nàn Sán", "", ""],
        ["02809", "02809", "part", "084", "10", "15", "Thị trấn Si Ma Cai", "", ""],
        ["02809", "02812", "part", "084", "10", "15", "Thị trấn Si Ma Cai", detail, ""],
        ["02812", "02812", "unchanged", "084", "10", "15", "Xã Sán Chải", "", ""],
        ["", "02815", "whole", "085", "10", "15", "", island, ""],
    ]
    printed = capsys.readouterr().out
    assert "old_districts: 2" in printed
    assert "kind written 'Xa'" in printed
    assert "old province printed as 11" in printed


def test_a_misprinted_old_code_is_repaired_by_name_within_the_district(tmp_path: Path) -> None:
    conversion = (
        "Tỉnh Lào Cai (15),Xã Si Ma Cai,02809,Xã Nàn Sán,02800,Nhập toàn bộ,"
        "Huyện Si Ma Cai (084),Tỉnh Lào Cai (10),\n"
        "Tỉnh Lào Cai (15),Xã Sán Chải,02812,Xã Sán Chải,02800,Nhập toàn bộ,"
        "Huyện Si Ma Cai (084),Tỉnh Lào Cai (10),\n"
        "Tỉnh Lào Cai (15),Xã Sán Chải,02812,Thị trấn Si Ma Cai,02808,Nhập toàn bộ,"
        "Huyện Si Ma Cai (084),Tỉnh Lào Cai (10),\n"
    )
    report = build(write_sources(tmp_path, SMALL_OLD, conversion), tmp_path / "out")
    links = read(tmp_path / "out" / "conversion-2025-07-01.csv")[1:]
    assert [(row[0], row[1], row[8]) for row in links] == [
        ("02800", "02809", ""),
        ("02809", "02812", "02808"),  # code absent from the list, name unique in district
        ("02812", "02812", "02800"),  # code printed for two names
    ]
    assert report.counts["links_repaired"] == 2


@pytest.mark.parametrize(
    ("old", "conversion", "message"),
    [
        ("Tỉnh Lào Cai,10,Huyện Si Ma Cai,84,Xã Nàn Sán,02800,Xã,\n", "", "district code '84'"),
        ("Tỉnh Lào Cai,10,Huyện Si Ma Cai,084,Nàn Sán,02800,Xã,\n", "", "begin with a kind"),
        (
            "Tỉnh Lào Cai,10,Huyện Si Ma Cai,084,Xã Nàn Sán,02800,Xã,\n"
            "Tỉnh Lào Cai,10,Huyện Si Ma Cai,084,Xã Nàn Sín,02800,Xã,\n",
            "",
            "appears twice",
        ),
        (
            SMALL_OLD,
            "Tỉnh Lào Cai (15),Xã Si Ma Cai,02809,Xã Nàn Sán,02800,Chuyển sang,"
            "Huyện Si Ma Cai (084),Tỉnh Lào Cai (10),\n",
            "neither whole, part nor unchanged",
        ),
        (
            SMALL_OLD,
            "Tỉnh Lào Cai,Xã Si Ma Cai,02809,Xã Nàn Sán,02800,Nhập toàn bộ,"
            "Huyện Si Ma Cai (084),Tỉnh Lào Cai (10),\n",
            "code in parentheses",
        ),
    ],
)
def test_unexpected_sources_fail_loudly(
    tmp_path: Path, old: str, conversion: str, message: str
) -> None:
    with pytest.raises(SourceError, match=message):
        build(write_sources(tmp_path, old, conversion), tmp_path / "out")
