"""The matching rule of pupils to the register (phocap/schools/matching.py)."""

from __future__ import annotations

from phocap.schools.matching import AMBIGUOUS, LINKED, NONE, key, match

HERE, THERE = 1, 2


def test_same_name_year_and_sex_in_the_commune_links() -> None:
    """Spelled with the new tone placement and in capitals, still the same child."""
    people = [(10, key("Lò Thị Hòa", 2010, "nữ"), HERE)]
    [found] = match([(key("LÒ THỊ HOÀ", 2010, "Nữ"), frozenset({HERE}))], people)
    assert (found.status, found.person_id) == (LINKED, 10)


def test_any_difference_or_another_commune_does_not() -> None:
    people = [(10, key("Lò Thị Hòa", 2010, "nữ"), HERE), (11, key("Lò Văn Nam", 2011, "nam"),
                                                          THERE)]
    pupils = [(key("Lô Thị Hòa", 2010, "nữ"), frozenset({HERE})),   # another family name
              (key("Lò Thị Hòa", 2009, "nữ"), frozenset({HERE})),   # another year
              (key("Lò Thị Hòa", 2010, "nam"), frozenset({HERE})),  # another sex
              (key("Lò Văn Nam", 2011, "nam"), frozenset({HERE}))]  # lives in another commune
    assert [o.status for o in match(pupils, people)] == [NONE] * 4


def test_the_village_commune_counts_too() -> None:
    people = [(11, key("Lò Văn Nam", 2011, "nam"), THERE)]
    [found] = match([(key("Lò Văn Nam", 2011, "nam"), frozenset({HERE, THERE}))], people)
    assert found.person_id == 11


def test_namesakes_and_double_claims_are_left_unlinked() -> None:
    people = [(10, key("Lò Thị Hòa", 2010, "nữ"), HERE), (12, key("Lò Thị Hòa", 2010, "nữ"),
                                                          HERE),
              (13, key("Quàng Văn A", 2012, "nam"), HERE)]
    pupils = [(key("Lò Thị Hòa", 2010, "nữ"), frozenset({HERE})),
              (key("Quàng Văn A", 2012, "nam"), frozenset({HERE})),
              (key("Quàng  Văn A", 2012, "nam"), frozenset({HERE}))]
    outcomes = match(pupils, people)
    assert [o.status for o in outcomes] == [AMBIGUOUS] * 3
    assert outcomes[0].candidates == (10, 12) and outcomes[1].candidates == (13,)
