from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures" / "survey"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
