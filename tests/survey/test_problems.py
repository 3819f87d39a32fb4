"""ProblemsFound: the one way a reader of an upload refuses a file (survey/problems.py)."""

from __future__ import annotations

import pytest

from phocap.survey.problems import ERROR, Problem, ProblemsFound, SurveyFileError, refused


def test_a_refusal_carries_every_problem_and_reads_as_their_messages() -> None:
    first = Problem(ERROR, "bad_status", "Cần C, P hoặc K.", "a.csv", None, 3, "status",
                    "Trạng thái", "X")
    second = Problem(ERROR, "unknown_class", "Cần tên một lớp của trường.", "a.csv", None, 4,
                     "class", "Lớp", "6B")
    found = ProblemsFound([first, second])
    assert found.problems == [first, second]
    assert str(found) == "Cần C, P hoặc K.\nCần tên một lớp của trường."


def test_an_unreadable_survey_file_and_a_whole_file_refusal_are_kinds_of_it() -> None:
    problem = Problem(ERROR, "encoding", "Không đọc được tệp.", "b.csv")
    error = SurveyFileError(problem)
    assert isinstance(error, ProblemsFound)
    assert (error.problem, error.problems, str(error)) == (problem, [problem],
                                                           "Không đọc được tệp.")
    assert refused("c.xlsx", "Tệp trống.").problems == [
        Problem(ERROR, "refused", "Tệp trống.", "c.xlsx")]


def test_a_refusal_without_a_problem_is_a_bug() -> None:
    with pytest.raises(ValueError):
        ProblemsFound([])
