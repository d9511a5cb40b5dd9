import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from roadmap.bank import DEFAULT_BANK_PATH, Bank, load_bank  # noqa: E402
from roadmap.sample import sample_plan  # noqa: E402

BANK_TEXT = DEFAULT_BANK_PATH.read_text(encoding="utf-8")

FIFTH_AREA = """
  - id: sustain-the-work
    title: Sustain the work
    summary: Keep teacher leadership going after the pilot.
    actions:
      - id: act-sustain-funding
        text: securing funding beyond the first grant
        source: planner
    questions:
      - id: q-after-pilot
        text: What keeps this going after the pilot?
        kind: text
        source: planner
        required: true
"""

#: Text a user might paste: every one must survive a round trip (XML-forbidden characters aside).
NASTY_STRINGS = [
    "Emoji 🎉👩🏽‍🏫 and accents: café, naïve",
    "עברית: מנהיגות מורים — العربية: قيادة المعلمين",
    "<script>alert('x')</script> <img src=x onerror=alert(1)> [link](javascript:alert(1))",
    "Windows line\r\nbreaks\r\nand combining e\u0301 marks",
    "x" * 100_000,
]


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank()


@pytest.fixture(scope="session")
def bank_with_fifth_area(tmp_path_factory) -> tuple[Bank, Path]:
    from roadmap.bank import load_bank_text

    text = BANK_TEXT.rstrip("\n") + "\n" + FIFTH_AREA
    path = tmp_path_factory.mktemp("bank") / "questions.yaml"
    path.write_text(text, encoding="utf-8")
    return load_bank_text(text), path


@pytest.fixture
def sample(bank):
    return sample_plan(bank)
