"""National IDs are unique in the whole register: a clash is found before anything is written.

Person.national_id is unique across every commune among current people (a
person carried on under a new commune on 1 July 2025 keeps the ID on both rows,
the old one ``superseded``: register/crossing.py), so the database refuses a
second holder at commit; left to that, an import failed with a generic
message after its preview had been confirmed, and an API edit with an English
500. The file validation already refuses one ID on two rows of the same file;
this module compares a file's rows, or an edit, with the register, and says
which row clashes with whom: the other person's name, form and commune when
the user may see that commune (scope), only "another commune" otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from phocap.accounts.models import User
from phocap.register.models import Person
from phocap.survey.text import village_named

CHUNK = 5000
"""IDs looked up per query (SQLite limits the parameters of one statement)."""
SHOWN = 20
"""Clashes of one file spelled out; the rest are counted."""


@dataclass(frozen=True)
class Holder:
    """Who holds a national ID in the register."""

    person_id: int
    key: tuple[str, str, str, int]  # commune code, village, household_no, person_no
    commune_id: int
    commune_name: str
    full_name: str


def holders(national_ids: Iterable[str]) -> dict[str, Holder]:
    """The register's holder of each of these IDs that has one."""
    wanted = sorted({i for i in national_ids if i})
    found: dict[str, Holder] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = Person.objects.filter(national_id__in=wanted[start:start + CHUNK],
                                     superseded=False).values_list(
            "national_id", "pk", "household__commune__code", "household__village__name",
            "household__household_no", "person_no", "household__commune_id",
            "household__commune__name", "full_name")
        for national_id, pk, code, village, number, person_no, commune_id, commune, name in rows:
            found[national_id] = Holder(pk, (code, village, number, person_no), commune_id,  # type: ignore[index]  # the IDs asked for are not empty
                                        commune, name)
    return found


def _who(holder: Holder, visible: set[int]) -> str:
    if holder.commune_id in visible:
        _, village, number, person_no = holder.key
        return (f"{holder.full_name} (hộ số {number}, {village_named(village)}, STT {person_no},"
                f" {holder.commune_name})")
    return "một người ở xã khác (ngoài phạm vi bạn được xem)"


def _visible(user: User | None, found: Iterable[Holder]) -> set[int]:
    ids = {h.person_id for h in found}
    if user is None or not ids:
        return set()
    return set(Person.objects.for_user(user).filter(pk__in=ids)
               .values_list("household__commune_id", flat=True))


def edit_clash(user: User, national_id: str | None, person_id: int | None) -> str | None:
    """Why ``national_id`` cannot be given to this person (None: a new one), or None."""
    if not national_id:
        return None
    holder = holders([national_id]).get(national_id)
    if holder is None or holder.person_id == person_id:
        return None
    return (f"Số định danh {national_id} đã có ở {_who(holder, _visible(user, [holder]))}"
            " trong sổ: mỗi người có một số định danh riêng. Kiểm tra lại số này.")


def import_clashes(records: pl.DataFrame, user: User | None) -> list[str]:
    """One sentence per row whose national ID another person of the register holds.

    A row keeps the ID its own person already has (same commune, village, form
    and number); any other holder, in any commune, is a clash.
    """
    rows = records.filter(pl.col("national_id").is_not_null()).select(
        "national_id", "commune_code", "village", "household_no", "person_no", "source_sheet",
        "source_row")
    if rows.height == 0:
        return []
    found = holders(rows["national_id"].to_list())
    clashes = [row for row in rows.iter_rows(named=True)
               if row["national_id"] in found
               and found[row["national_id"]].key != (row["commune_code"], row["village"],
                                                     row["household_no"], row["person_no"])]
    visible = _visible(user, (found[row["national_id"]] for row in clashes))
    sentences = []
    for row in clashes[:SHOWN]:
        where = f"Dòng {row['source_row']}"
        if row["source_sheet"]:
            where += f" (trang “{row['source_sheet']}”)"
        sentences.append(
            f"{where}: số định danh {row['national_id']} đã có ở"
            f" {_who(found[row['national_id']], visible)} trong sổ.")
    if len(clashes) > SHOWN:
        sentences.append(f"… và {len(clashes) - SHOWN} dòng khác cũng trùng số định danh.")
    return sentences


def clash_refusal(sentences: list[str]) -> str:
    """The whole refusal of a file whose national IDs clash with the register."""
    return ("Tệp có số định danh trùng với người khác đã có trong sổ (mỗi người có một số định"
            " danh riêng): chưa ghi gì. Sửa các dòng sau rồi tải lên lại. " + " ".join(sentences))


COMMIT_REFUSED = (
    "Sổ từ chối ghi vì một số định danh (hoặc số phiếu, STT) vừa được ghi cho người khác"
    " cùng lúc: chưa ghi gì. Hãy tải lại trang hoặc xem trước lại rồi thử lần nữa."
)
"""When the database itself refuses (a race after every check passed)."""
