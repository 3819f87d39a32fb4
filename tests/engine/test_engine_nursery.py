"""The nursery row says what it counts (issue 14): children aged 0–2 by year of birth.

Ages are Y − year of birth (docs/rules.md §1), so a baby born on 1 August of the survey
year, two months old on 30 September, is counted among the 0–2-year-olds, and a child of
34 months born in October of Y − 3 is not. The label must not claim "3–36 months".
"""

from __future__ import annotations

from pathlib import Path

from phocap.engine.indicators import INDICATORS
from tests.engine.engine_builder import Survey, Units, run


def test_the_nursery_row_counts_ages_0_to_2_by_birth_year_and_says_so(tmp_path: Path) -> None:
    units = Units()
    units.province("90")
    units.district("901", "90")
    units.commune("90101", "901")
    survey = Survey(2023, units)
    survey.add("90101", 1, age=0, birth_date="01/08/2023")  # 2 months on 30/9/2023
    survey.add("90101", 1, age=1, current_class="NT")
    survey.add("90101", 1, age=3, birth_date="15/10/2020")  # 35 months, aged 3 by year
    result = run(tmp_path, survey).unit("90101").indicators["mobilisation.nursery_0_2"]
    # Denominator: the two children born in 2023 and 2022; numerator: the one in NT.
    assert (result.numerator, result.denominator) == (1, 2)
    label = next(i.label_vi for i in INDICATORS if i.key == "mobilisation.nursery_0_2")
    assert "tháng" not in label
    assert "0–2 tuổi" in label and "năm sinh" in label
    assert result.label_vi == label
