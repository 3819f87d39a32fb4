"""The Điện Biên 2021–2022 demo district evaluates as the district reported.

All 21 communes reach preschool for 5-year-olds, primary level 3, lower
secondary level 3 and literacy level 2, and the mobilisation rates are within
0.5 points of the reported figures: nursery (3–36 months) 51.6%, primary
(6–10) 99.9%, age 11 into grade 6 98.3%, lower secondary (11–14) 98.1%.
"""


import pytest

from phocap.engine.backends import connect, load
from phocap.engine.evaluate import evaluate
from phocap.engine.result import Evaluation
from phocap.engine.units import read_units_file
from phocap.survey.validate import validate
from phocap.synth.generate import write

REPORTED = {
    "mobilisation.nursery_0_2": 0.516,
    "mobilisation.primary_6_10": 0.999,
    "mobilisation.grade_6_at_11": 0.983,
    "mobilisation.lower_secondary_11_14": 0.981,
}


@pytest.fixture(scope="module", params=[2021, 7])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    folder = tmp_path_factory.mktemp("demo")
    survey = folder / "dien-bien.parquet"
    summary = write(survey, "100", 2021, "dien-bien-2021", request.param)
    store = folder / "records.parquet"
    report = validate(survey, year=2021, records_to=store).report
    assert report.ok and report.warnings == 0
    return evaluate(load(connect("duckdb"), store), units=read_units_file(summary.units_path))


def test_all_21_communes_are_recognised_at_the_reported_levels(demo: Evaluation) -> None:
    communes = demo.of_type("commune")
    assert len(communes) == 21
    for commune in communes:
        levels = {s: r.level for s, r in commune.standards.items()}
        assert levels == {"preschool_5": 1, "primary": 3, "lower_secondary": 3, "literacy": 2}, (
            commune.code
        )
    district = demo.unit("100")
    assert {s: r.level for s, r in district.standards.items()} == {
        "preschool_5": 1, "primary": 3, "lower_secondary": 3, "literacy": 2
    }
    share = district.standards["lower_secondary"].criteria[-1]
    assert (share.numerator, share.denominator) == (21, 21)


@pytest.mark.parametrize("key", sorted(REPORTED))
def test_mobilisation_near_the_reported_figures(demo: Evaluation, key: str) -> None:
    rate = demo.unit("100").indicators[key].rate
    assert rate is not None
    assert abs(float(rate) - REPORTED[key]) <= 0.005, f"{key}: {float(rate):.4f}"
