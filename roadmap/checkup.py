"""The plan checkup: the roadmap's own logic checked against a plan, each finding in plain words.

`check_plan(plan, bank)` returns a list of `Finding`s, empty when nothing is flagged. Each
rule is one function below, listed in RULES, and each finding names the question (and the
table row, counted from 1) it is about and the wizard step that holds it, so the app can
link to it. The rules read the shipped bank's question ids; a question a bank does not have
is skipped, never flagged.

The rules are judgement aids, not proofs: matching a priority to a measure, or a low-rated
action to a next step, looks for a shared word of five letters or more (or the area's name).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal

from .bank import Bank
from .brief import funding_by_year, list_items, roles_of
from .plan import Plan, format_number, is_answered
from .text import clean_text

PRIORITIES, CAREER_PATHWAY, MEASURES = "q-priorities", "q-beyond-career-pathway", "q-measures"
ROLES, FUNDING, NEXT_STEPS, ASK = "q-roles", "q-funding", "q-next-steps", "q-board-ask"
ROLE_SUPPORT = ("q-selection", "q-training", "q-principal-support")

#: Words too common in these plans to show that a measure or a step is about a priority or an action.
_COMMON = frozenset("""about after again their there these those which while where would could should
other every under within through between before first second third years teacher teachers leader leaders
leadership school schools district students student learning teaching develop build support""".split())
_WORD = re.compile(r"[a-z][a-z'-]{4,}")
_MONTHS = {m.lower(): n for n, m in enumerate(
    "January February March April May June July August September October November December".split(), start=1)}
_MONTHS.update({name[:3]: n for name, n in list(_MONTHS.items())})


@dataclass(frozen=True)
class Finding:
    """One thing to look at. row counts from 1; step is the wizard step holding the question."""

    rule: str
    message: str
    question_id: str
    about: str  # the question or table row in words: "Our measures of success, row 2"
    area_id: str
    area_title: str
    step: int
    row: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        return f"{self.area_title} \u00b7 {self.about}: {self.message}"


class _Context:
    def __init__(self, plan: Plan, bank: Bank, today: dt.date):
        self.plan, self.bank = plan, bank
        self.day = plan.district.date or today
        self.steps = {q.id: (n, area) for n, area in enumerate(bank.areas, start=1) for q in area.questions}

    def has(self, question_id: str) -> bool:
        return question_id in self.bank.questions

    def answered(self, question_id: str) -> bool:
        return is_answered(self.bank.questions[question_id], self.plan.answers.get(question_id))

    def rows(self, question_id: str) -> list[dict[str, str]]:
        value = self.plan.answers.get(question_id)
        if not isinstance(value, list):
            return []
        return [r for r in value if isinstance(r, dict) and any(str(v).strip() for v in r.values())]

    def finding(self, rule: str, question_id: str, message: str, row: int | None = None) -> Finding:
        step, area = self.steps[question_id]
        question = self.bank.questions[question_id].text
        about = _short(question, 60) + (f", row {row}" if row else "")
        return Finding(rule, message, question_id, about, area.id, area.title, step, row)


def _short(text: str, limit: int) -> str:
    text = " ".join(clean_text(text).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


def _words(text: object) -> set[str]:
    return {w.strip("'-") for w in _WORD.findall(str(text or "").lower())} - _COMMON


def _stem(words: set[str]) -> set[str]:
    return {w[:6] for w in words}


def _cell(row: dict, key: str) -> str:
    return str(row.get(key) or "").strip()


def read_date(text: str) -> dt.date | None:
    """Return the date text names ('15 January 2027', 'January 15, 2027', '2027-01-15', 'June 2029',
    '2029'); a month or a year alone means its last day. None when no date can be read."""
    text = " ".join(str(text).replace(",", " ").split()).lower()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    day = month = year = None
    for token in text.split():
        token = token.strip(".")
        if token.isdigit() and len(token) == 4:
            year = int(token)
        elif token.isdigit() and len(token) <= 2 or token[:-2].isdigit() and token[-2:] in ("st", "nd", "rd", "th"):
            day = int(token if token.isdigit() else token[:-2])
        elif token in _MONTHS or token[:3] in _MONTHS and token.isalpha():
            month = _MONTHS.get(token) or _MONTHS[token[:3]]
        else:
            return None
    if year is None:
        return None
    try:
        if month is None:
            return dt.date(year, 12, 31) if day is None else None
        if day is None:
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(year, month, day)
    except ValueError:
        return None


# The rules ------------------------------------------------------------------------------------


def priorities_have_measures(c: _Context) -> list[Finding]:
    """Each priority named has at least one measure. Priorities are the answer's typed list lines
    ("- ..."), or, without a list, the whole answer, which then needs any measure at all."""
    if not (c.has(PRIORITIES) and c.has(MEASURES)) or not c.answered(PRIORITIES):
        return []
    answer = str(c.plan.answers.get(PRIORITIES))
    priorities = list_items(answer)
    measures = c.rows(MEASURES)
    if not measures:
        return [c.finding("priority-measure", MEASURES, "The plan names priorities but no measure of success yet.")]
    found = []
    measured = [_stem(_words(" ".join(str(v) for v in row.values()))) for row in measures]
    for priority in priorities:
        words = _stem(_words(priority))
        if words and not any(words & m for m in measured):
            found.append(c.finding("priority-measure", PRIORITIES,
                                   f"No measure mentions the priority \u201c{_short(priority, 70)}\u201d; add one "
                                   "under \u201cOur measures of success\u201d."))
    return found


def measures_are_complete(c: _Context) -> list[Finding]:
    """Each measure has a baseline, a target and a date."""
    if not c.has(MEASURES):
        return []
    found = []
    for n, row in enumerate(c.rows(MEASURES), start=1):
        missing = [label for key, label in (("baseline", "baseline"), ("target", "target"), ("by-when", "date"))
                   if not _cell(row, key)]
        if missing:
            name = _short(_cell(row, "measure") or "This measure", 60)
            what = " or ".join(missing) if len(missing) < 3 else "baseline, target or date"
            found.append(c.finding("measure-complete", MEASURES, f"\u201c{name}\u201d has no {what}.", n))
    return found


def decisions_have_rationales(c: _Context) -> list[Finding]:
    """Each decision is made and has a rationale."""
    found = []
    for question in (q for a in c.bank.areas for q in a.questions if q.kind == "decision"):
        value = c.plan.answers.get(question.id)
        value = value if isinstance(value, dict) else {}
        if not value.get("pole"):
            found.append(c.finding("decision-rationale", question.id, "This decision is not made yet."))
        elif not str(value.get("rationale") or "").strip():
            found.append(c.finding("decision-rationale", question.id,
                                   "The choice is made but has no rationale: say why, for the board."))
    return found


def beyond_career_pathway(c: _Context) -> list[Finding]:
    """\u201cDoes the proposed teacher leadership initiative do more than provide a career pathway?\u201d is answered."""
    if c.has(CAREER_PATHWAY) and not c.answered(CAREER_PATHWAY):
        return [c.finding("career-pathway", CAREER_PATHWAY,
                          "Not answered: say what the roles will change beyond a career step for top teachers.")]
    return []


def low_ratings_have_next_steps(c: _Context) -> list[Finding]:
    """Every action rated at one of the two lowest levels (Not started, Emerging) has a next step with an
    owner and a date that mentions it or its area."""
    if not c.has(NEXT_STEPS):
        return []
    low = {lv.id for lv in sorted((lv for lv in c.bank.levels if lv.value is not None), key=lambda lv: lv.value)[:2]}
    steps = [r for r in c.rows(NEXT_STEPS) if _cell(r, "owner") and _cell(r, "due")]
    texts = [_cell(r, "step").lower() for r in steps]
    found = []
    for area in c.bank.areas:
        for action in area.actions:
            rating = c.plan.ratings.get(action.id)
            if not rating or rating.level not in low:
                continue
            words = _stem(_words(action.text))
            if any(area.title.lower() in t or len(words & _stem(_words(t))) >= 1 for t in texts):
                continue
            level = c.bank.levels_by_id[rating.level].label
            found.append(c.finding("low-rating-step", NEXT_STEPS,
                                   f"\u201c{_short(action.text, 70)}\u201d ({area.title}) is rated {level}, and no next "
                                   "step with an owner and a date mentions it or its area."))
    return found


def roles_are_supported(c: _Context) -> list[Finding]:
    """When roles are planned, selection, training and principal support are answered."""
    if not c.has(ROLES) or not c.rows(ROLES):
        return []
    return [c.finding("role-support", qid, "Not answered yet, though the plan creates teacher leader roles.")
            for qid in ROLE_SUPPORT if c.has(qid) and not c.answered(qid)]


def funding_covers_roles(c: _Context) -> list[Finding]:
    """The funding of each school year covers the roles' cost a year, when both tables hold numbers."""
    if not (c.has(ROLES) and c.has(FUNDING)):
        return []
    roles = roles_of(c.plan)
    costs = [r.cost for r in roles]
    if not roles or any(cost is None for cost in costs):
        return []
    cost = sum(costs, Decimal(0))
    found = []
    for year, money in funding_by_year(c.rows(FUNDING)):
        if money.complete and money.total < cost:
            found.append(c.finding("funding-covers", FUNDING,
                                   f"Funding for {year} is ${format_number(money.total)}, less than the roles' "
                                   f"cost of ${format_number(cost)} a year (short by ${format_number(cost - money.total)})."))
    return found


def board_ask_is_stated(c: _Context) -> list[Finding]:
    """The plan says what the school board is asked to approve, each with the date it is needed by."""
    if not c.has(ASK):
        return []
    rows = c.rows(ASK)
    if not rows:
        return [c.finding("board-ask", ASK, "Not answered: say what the board is asked to approve and by when; it "
                                            "heads the board brief.")]
    return [c.finding("board-ask", ASK, "This request has no date: say when the board needs to decide.", n)
            for n, row in enumerate(rows, start=1) if _cell(row, "ask") and not _cell(row, "by-when")]


def dates_are_ahead(c: _Context) -> list[Finding]:
    """Dates of measures, next steps and the board's decision fall after the plan's date."""
    found = []
    for question_id, key in ((MEASURES, "by-when"), (NEXT_STEPS, "due"), (ASK, "by-when")):
        if not c.has(question_id):
            continue
        for n, row in enumerate(c.rows(question_id), start=1):
            text = _cell(row, key)
            if not text:
                continue
            day = read_date(text)
            if day is None:
                found.append(c.finding("date-ahead", question_id,
                                       f"\u201c{_short(text, 30)}\u201d cannot be read as a date; write it as "
                                       "15 January 2027 or June 2027.", n))
            elif day <= c.day:
                found.append(c.finding("date-ahead", question_id,
                                       f"{_short(text, 30)} is not after the plan's date "
                                       f"({c.day:%B} {c.day.day}, {c.day.year}).", n))
    return found


#: Every rule, in the order findings are listed.
RULES: tuple[Callable[[_Context], list[Finding]], ...] = (
    priorities_have_measures, measures_are_complete, decisions_have_rationales, beyond_career_pathway,
    low_ratings_have_next_steps, roles_are_supported, funding_covers_roles, board_ask_is_stated, dates_are_ahead,
)


def check_plan(plan: Plan, bank: Bank, today: dt.date | None = None) -> list[Finding]:
    """Return what the checkup flags in plan, in RULES order; empty when nothing is flagged.

    Dates are compared with the plan's own date, else today (default: the current date).
    """
    context = _Context(plan, bank, today or dt.date.today())
    return [finding for rule in RULES for finding in rule(context)]
