"""Class lists imported from a file (schools/classlists.py) and the reconciliation lists.

tests/fixtures/schools/class-list.csv, imported at a school of commune 03319 for
2021: 5A/1 "Người 03319" born 2010, male — the register's person of 03319
(`tree`), linked; 5A/2 "Lò Thị Mới" — nobody in the register; 6A/1 "Người
03370" — a person of commune 03370, another commune: not linked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from phocap.register.models import AuditEntry, PersonYear
from phocap.schools import classlists, reconcile, services
from phocap.schools.models import Enrolment, School, SchoolClass
from phocap.survey.problems import ERROR, Problem, ProblemsFound
from tests.web.problem_rows import problem_rows

FIXTURES = Path(__file__).parent.parent / "fixtures" / "schools"
YEAR = 2021


@pytest.fixture
def officer(surveyed: dict[str, Any], make_user: Any) -> Any:
    return make_user("commune_staff", surveyed["communes"]["03319"])


@pytest.fixture
def school(surveyed: dict[str, Any], officer: Any) -> School:
    return services.save_school(officer, surveyed["communes"]["03319"], None, None, {
        "code": "11100LC01", "name": "Trường PTCS Một", "level": "primary_lower_secondary"})


def test_import_links_matches_and_is_idempotent(surveyed: dict[str, Any], officer: Any,
                                                school: School) -> None:
    outcome = classlists.import_file(officer, school, YEAR, FIXTURES / "class-list.csv",
                                     "class-list.csv")
    assert (outcome.created, outcome.changed, outcome.linked) == (3, 0, 1)
    assert sorted(SchoolClass.objects.filter(school=school).values_list("name", "grade")) == [
        ("5A", "5"), ("6A", "6")]
    first = Enrolment.objects.get(klass__name="5A", pupil_no=1)
    assert first.person == surveyed["people"]["03319"]
    assert first.semi_boarding and first.village is not None and first.ethnicity == "Thái"
    assert str(first.birth_date) == "2010-09-05"
    audited = AuditEntry.objects.count()
    again = classlists.import_file(officer, school, YEAR, FIXTURES / "class-list.csv",
                                   "class-list.csv")
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    assert AuditEntry.objects.count() == audited


def test_bad_rows_name_file_row_column_and_value(surveyed: dict[str, Any], officer: Any,
                                                 school: School) -> None:
    """class-list-bad.csv: a 31 February on row 2, STT 1 of 5A twice (rows 2 and 3), a class
    "X" with no grade on row 4; each a Problem naming file, row, column, header and value."""
    with pytest.raises(ProblemsFound) as raised:
        classlists.import_file(officer, school, YEAR, FIXTURES / "class-list-bad.csv",
                               "lop.csv")
    assert [(p.code, p.file, p.sheet, p.row, p.column, p.header, p.value)
            for p in raised.value.problems] == [
        ("bad_birth", "lop.csv", None, 2, "birth_date", "Ngày sinh", "31/02/2010"),
        ("unknown_grade", "lop.csv", None, 4, "current_class", "Lớp", "X"),
        ("pupil_no_twice", "lop.csv", None, 3, "person_no", "STT", "1")]
    assert raised.value.problems[2].message == (
        "Cần mỗi học sinh một số thứ tự trong lớp: lớp 5A đã có học sinh số 1 ở dòng 2.")
    assert not Enrolment.objects.exists() and not SchoolClass.objects.exists()


def test_the_import_page_lists_each_problem_and_keeps_nothing(
        surveyed: dict[str, Any], officer: Any, school: School, client: Any) -> None:
    """The same bad file through the page: saved by register/uploads.py under its own name,
    each problem a row of the one problems table (templates/_problems.html)."""
    client.force_login(officer)
    with (FIXTURES / "class-list-bad.csv").open("rb") as handle:
        response = client.post(f"/schools/{school.pk}/class-lists/import/?year={YEAR}",
                               {"file": handle})
    assert response.status_code == 400
    assert problem_rows(response.content.decode()) == [
        ("class-list-bad.csv", "", "2", "Ngày sinh", "31/02/2010",
         "Cần ngày sinh dạng 05/09/2010 hoặc năm sinh 2010."),
        ("class-list-bad.csv", "", "4", "Lớp", "X",
         "Không nhận ra khối lớp: cần NT, MG3–MG5, 1–12 hoặc BT6–BT12 ở đầu tên lớp hoặc cột"
         " “Khối”."),
        ("class-list-bad.csv", "", "3", "STT", "1",
         "Cần mỗi học sinh một số thứ tự trong lớp: lớp 5A đã có học sinh số 1 ở dòng 2.")]
    assert not Enrolment.objects.exists() and not SchoolClass.objects.exists()


def test_reconciliation_both_ways(surveyed: dict[str, Any], officer: Any,
                                  school: School) -> None:
    """After the import: 2 pupils unlinked (5A/2, 6A/1); of the register, the 11-year-old of
    03319 is enrolled, so no one of 03319 is missing; 03322's child is (age 2021−2010 = 11)."""
    classlists.import_file(officer, school, YEAR, FIXTURES / "class-list.csv", "class-list.csv")
    assert [p.full_name for p in reconcile.unlinked_pupils([school], YEAR)] == [
        "Lò Thị Mới", "Người 03370"]
    assert not reconcile.unenrolled_people(surveyed["communes"]["03319"], YEAR).exists()
    missing = reconcile.unenrolled_people(surveyed["communes"]["03322"], YEAR)
    assert [y.person.full_name for y in missing] == ["Người 03322"]
    PersonYear.objects.filter(person=surveyed["people"]["03322"]).update(status="chuyển đi")
    assert not reconcile.unenrolled_people(surveyed["communes"]["03322"], YEAR).exists()


@pytest.mark.parametrize(("born", "listed"), [(2016, False), (2015, True), (2007, True),
                                              (2006, False)])
def test_school_ages_six_to_fourteen(surveyed: dict[str, Any], born: int, listed: bool) -> None:
    """Age = 2021 − birth year: 2016 → 5 and 2006 → 15 are outside, 2015 → 6 and 2007 → 14
    inside."""
    person = surveyed["people"]["03322"]
    person.birth_year = born
    person.save()
    assert reconcile.unenrolled_people(surveyed["communes"]["03322"], YEAR).exists() is listed


def test_an_xlsx_with_a_title_row_reads_the_same(surveyed: dict[str, Any], officer: Any,
                                                 school: School, tmp_path: Path) -> None:
    """The same three pupils in a workbook with a banner row above the header, accents
    dropped from the headers and a date cell: rows still named as the officer sees them."""
    import xlsxwriter

    path = tmp_path / "lop.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("5A")
    sheet.write_row(0, 0, ["DANH SÁCH HỌC SINH NĂM HỌC 2021–2022"])
    sheet.write_row(1, 0, ["Lop", "STT", "Ho va ten", "Ngay sinh", "Gioi tinh"])
    sheet.write_row(2, 0, ["5A", 1, "Người 03319", "05/09/2010", "Nam"])
    sheet.write_row(3, 0, ["5A", 2, "Lò Thị Mới", "2010", "Nữ"])
    sheet.write_row(4, 0, ["5A", 3, "Lò Văn Sai", "2010", "trai"])
    book.close()
    with pytest.raises(ProblemsFound) as raised:
        classlists.import_file(officer, school, YEAR, path, "lop.xlsx")
    assert raised.value.problems == [
        Problem(ERROR, "bad_sex", "Cần “nam” hoặc “nữ”.", "lop.xlsx", "5A", 5, "sex",
                "Gioi tinh", "trai")]


def test_a_download_is_logged(surveyed: dict[str, Any], officer: Any, school: School,
                              client: Any) -> None:
    """Two unlinked pupils leave in the CSV; the audit says who took which list."""
    classlists.import_file(officer, school, YEAR, FIXTURES / "class-list.csv", "class-list.csv")
    client.force_login(officer)
    response = client.get(f"/schools/{school.pk}/reconcile/?year={YEAR}&format=csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Trường,Lớp,STT,Họ và tên")
    assert len(text.splitlines()) == 3 and "Lò Thị Mới" in text
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).get()
    assert (entry.user, entry.commune, entry.after) == (
        officer, school.commune, {"what": "schools.unlinked_pupils", "rows": 2})


def test_a_person_is_never_on_two_lists(surveyed: dict[str, Any], officer: Any,
                                        school: School) -> None:
    """Typed on the class page: a new pupil matching a person already on a list of the year
    stays unlinked and is reported ambiguous; one matching nobody stays unlinked too."""
    classlists.import_file(officer, school, YEAR, FIXTURES / "class-list.csv", "class-list.csv")
    klass = SchoolClass.objects.get(school=school, name="6A")
    twin = classlists.add_pupil(officer, klass, {"full_name": "người 03319", "birth_year": 2010,
                                                 "sex": "nam"})
    assert twin.person_id is None and twin.pupil_no == 2
    linked, ambiguous = classlists.link(officer, school, YEAR, [twin])
    assert (linked, ambiguous) == (0, [twin])


def test_the_reconciliation_page_says_why(surveyed: dict[str, Any], officer: Any,
                                          school: School, client: Any) -> None:
    """5A/2 and 6A/1 match nobody; a typed twin of 5A/1's person is ambiguous."""
    classlists.import_file(officer, school, YEAR, FIXTURES / "class-list.csv", "class-list.csv")
    classlists.add_pupil(officer, SchoolClass.objects.get(school=school, name="6A"),
                         {"full_name": "Người 03319", "birth_year": 2010, "sex": "nam"})
    client.force_login(officer)
    page = client.get(f"/units/{school.commune.pk}/reconcile/?year={YEAR}").content.decode()
    assert page.count("không có ai cùng họ tên, năm sinh, giới tính trong sổ") == 2
    assert page.count('class="ambiguous"') == 1
    assert "người này đã ứng với học sinh khác" in page


def test_vietnamese_preparation_is_read_from_its_column(
        surveyed: dict[str, Any], officer: Any, school: School, tmp_path: Path) -> None:
    """"Tăng cường tiếng Việt": x marks the pupil (MN-01-TE row 16); blank does not; any
    other value is refused with its row, like "Bán trú"."""
    good = tmp_path / "mg.csv"
    good.write_text("Lớp,STT,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Tăng cường tiếng Việt\n"
                    "MG5A,1,Giàng Thị Mai,2020,nữ,Mông,x\n"
                    "MG5A,2,Giàng A Páo,2020,nam,Mông,\n", encoding="utf-8")
    classlists.import_file(officer, school, YEAR, good, "mg.csv")
    assert sorted(Enrolment.objects.filter(klass__name="MG5A")
                  .values_list("pupil_no", "vietnamese_preparation")) == [(1, True), (2, False)]
    bad = tmp_path / "mg-bad.csv"
    bad.write_text("Lớp,STT,Họ và tên,Ngày sinh,Giới tính,Tăng cường tiếng Việt\n"
                   "MG5B,1,Giàng Thị Mai,2020,nữ,có lẽ\n", encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        classlists.import_file(officer, school, YEAR, bad, "mg-bad.csv")
    assert [(p.code, p.row, p.value) for p in raised.value.problems] == [
        ("bad_preparation", 2, "có lẽ")]


def test_a_class_list_says_which_classes_study_two_sessions_a_day(
        surveyed: dict[str, Any], officer: Any, school: School, tmp_path: Path) -> None:
    """D7, D9: the staffing norms differ by sessions a day (primary 1,5 or 1,2 a class). The
    column "2 buổi/ngày" (x, or blank for one session) sets each class's sessions; a later
    file without the column leaves them; a class whose rows disagree is refused."""
    header = "Lớp,STT,Họ và tên,Ngày sinh,Giới tính,2 buổi/ngày\n"
    first = tmp_path / "lop.csv"
    first.write_text(header + "5A,1,Lò Văn Một,2010,nam,x\n5A,2,Lò Thị Hai,2010,nữ,x\n"
                     "6A,1,Lò Văn Ba,2009,nam,\n", encoding="utf-8")
    classlists.import_file(officer, school, YEAR, first, "lop.csv")
    assert dict(SchoolClass.objects.values_list("name", "two_sessions")) == {
        "5A": True, "6A": False}
    changed = tmp_path / "doi.csv"
    changed.write_text(header + "5A,1,Lò Văn Một,2010,nam,\n5A,2,Lò Thị Hai,2010,nữ,\n",
                       encoding="utf-8")
    audited = AuditEntry.objects.count()
    classlists.import_file(officer, school, YEAR, changed, "doi.csv")
    assert SchoolClass.objects.get(name="5A").two_sessions is False
    assert AuditEntry.objects.count() == audited + 1  # the class's change, audited
    classlists.import_file(officer, school, YEAR, FIXTURES / "class-list.csv",
                           "class-list.csv")  # no column: sessions kept
    assert dict(SchoolClass.objects.values_list("name", "two_sessions")) == {
        "5A": False, "6A": False}
    mixed = tmp_path / "lan.csv"
    mixed.write_text(header + "7A,1,Lò Văn Bốn,2008,nam,x\n7A,2,Lò Thị Năm,2008,nữ,\n",
                     encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        classlists.import_file(officer, school, YEAR, mixed, "lan.csv")
    [problem] = raised.value.problems
    assert (problem.code, problem.row, problem.header, problem.value) == (
        "sessions_differ", 3, "2 buổi/ngày", "")
    assert problem.message == ("Cần mọi học sinh của một lớp cùng số buổi học: lớp 7A ghi"
                               " 2 buổi/ngày ở dòng 2, 1 buổi/ngày ở dòng này.")
    assert not SchoolClass.objects.filter(name="7A").exists()
