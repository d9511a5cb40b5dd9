"""A complete example plan for a fictional district, so a team sees what a finished plan looks like.

Questions of the shipped bank get written answers; a question a consultant added
gets a plausible answer built from its kind, so the sample is complete for any bank.
"""

from __future__ import annotations

import datetime as dt

import re
from datetime import datetime, time, timedelta, timezone

from .bank import Bank, Question
from .plan import ClosedRound, District, Member, OpenRound, Plan, Rating

#: The most rounds `sample --rounds` writes.
MAX_SAMPLE_ROUNDS = 20

SAMPLE_DISTRICT = "Riverbend Unified School District"

_TEAM = [
    ("Maria Delgado", "Assistant Superintendent, Teaching and Learning"),
    ("James Okafor", "Director of Human Resources"),
    ("Priya Raman", "Principal, Lincoln Middle School"),
    ("Tom Becker", "Grade 5 teacher and union representative"),
    ("Aisha Noor", "Coordinator, Professional Learning"),
]

_ANSWERS: dict[str, object] = {
    "q-priorities": (
        "Our strategic plan names two priorities for the next three years:\n"
        "- Raising middle-school mathematics achievement\n"
        "- Keeping strong early-career teachers (we lose one in four within three years)\n\n"
        "Teacher leaders can advance mathematics best inside grade-level teams, where they can model "
        "lessons, look at student work with colleagues and coach new teachers in their own classrooms. "
        "They can advance retention by mentoring first- and second-year teachers."
    ),
    "q-beyond-career-pathway": (
        "Yes. Each role is tied to one of the two priorities and has a defined job: to improve "
        "mathematics teaching in a team, or to mentor new teachers. Roles are reviewed each year "
        "against the measures in this plan, not only against who wants to stay in the role."
    ),
    "q-purpose-statement": (
        "Teacher leaders in Riverbend help their colleagues teach mathematics better and help new "
        "teachers stay and grow, while continuing to teach their own classes."
    ),
    "q-initiative-name": "Riverbend Teacher Leaders",
    "q-stakeholders": [
        {"stakeholder": "Riverbend Education Association", "knowledge": "Working conditions, contract time",
         "involvement": "Two members on the design team", "by-when": "January"},
        {"stakeholder": "Principals", "knowledge": "School schedules and team culture",
         "involvement": "Design workshop and monthly check-ins", "by-when": "February"},
        {"stakeholder": "Families (district parent council)", "knowledge": "What students and families need",
         "involvement": "Presentation and feedback survey", "by-when": "March"},
    ],
    "q-identify-top-teachers": (
        "Partly. Our evaluation system rates 94% of teachers as effective, so it does not tell us who "
        "the strongest teachers are. We will add classroom observation by trained peers and evidence of "
        "student growth to the selection process."
    ),
    "q-collaboration-trust": (
        "Collaboration already happens in elementary grade-level teams, which meet weekly. Middle-school "
        "departments meet once a month and mostly on logistics.\n\n"
        "Teacher leaders chosen by a transparent process, who keep teaching, can build trust because they "
        "face the same conditions as colleagues. Lack of trust will be a barrier if teacher leaders are seen "
        "as evaluators, so their role in formal evaluation will be none in the first year."
    ),
    "q-data-systems": (
        "The student information system and the interim assessment platform give us reliable student data "
        "by class. Evaluation ratings are available but do not separate teachers well. We have no system "
        "yet for recording coaching or mentoring activity."
    ),
    "q-funding": [
        {"source": "Title II, Part A (re-directed)", "year": "2027-28", "amount": "180000", "status": "Confirmed",
         "notes": "Re-directed from one-off workshops"},
        {"source": "State teacher leadership grant", "year": "2027-28", "amount": "125000", "status": "Applying",
         "notes": "Decision expected in April 2027"},
        {"source": "District general fund", "year": "2027-28", "amount": "60000", "status": "Proposed",
         "notes": "Needs board approval"},
        {"source": "Title II, Part A (re-directed)", "year": "2028-29", "amount": "180000", "status": "Expected",
         "notes": "Subject to the federal allocation"},
        {"source": "State teacher leadership grant", "year": "2028-29", "amount": "125000", "status": "Applying",
         "notes": "Second year of the grant"},
        {"source": "District general fund", "year": "2028-29", "amount": "60000", "status": "Proposed",
         "notes": "Needs board approval"},
    ],
    "q-expertise": (
        "Inside the district: a strong mathematics coordinator and two principals who have led "
        "coaching programs. From outside: help designing the selection process and training for "
        "teacher leaders in adult learning, which the county office's certificate program offers."
    ),
    "q-measure-success": (
        "In the short term (first year): how many teachers work with a teacher leader each month, and "
        "whether they find it useful. In the long term (three years): mathematics growth in grades 6-8 "
        "and the share of new teachers who stay for a third year."
    ),
    "q-impact-systems": (
        "A simple log of coaching and mentoring contacts, a twice-yearly teacher survey, and a yearly "
        "report that joins these with assessment and retention data by school."
    ),
    "q-measures": [
        {"measure": "Grade 6-8 students meeting mathematics growth targets", "baseline": "41%",
         "target": "55%", "by-when": "June 2029", "data-source": "Interim assessments", "owner": "Maria Delgado"},
        {"measure": "Early-career teachers returning for a third year", "baseline": "74%", "target": "85%",
         "by-when": "August 2028", "data-source": "HR records", "owner": "James Okafor"},
        {"measure": "Teachers who say coaching improved their teaching", "baseline": "No data yet",
         "target": "75%", "by-when": "May 2027", "data-source": "Teacher survey", "owner": "Aisha Noor"},
    ],
    "q-success-picture": (
        "Every mathematics team and every new teacher has a teacher leader who teaches down the hall, "
        "and teachers ask for their help because it makes their lessons better."
    ),
    "q-review-cadence": "quarterly",
    "q-tight-loose": {
        "pole": "tight",
        "rationale": (
            "Tight: the purpose of the roles, selection criteria, training and the time protected for "
            "leading. Loose: which team routines each school uses and how the teacher leader's time is "
            "spread across the week."
        ),
    },
    "q-internal-vs-partner": {
        "pole": "internal",
        "rationale": (
            "We design the roles and run coaching ourselves. We partner with the county office for the "
            "teacher leader certificate, and with a university for the year-three evaluation."
        ),
    },
    "q-system-vs-school": {
        "pole": "system",
        "rationale": (
            "The system sets the role descriptions, pay and selection. Schools choose their teacher "
            "leaders' teams and schedules. Flexibility grows in year two once the roles are established."
        ),
    },
    "q-roles": [
        {"role": "Mathematics team lead", "model": "Hybrid", "time": "Two periods a day",
         "responsibilities": "Leads the team's planning, models lessons, coaches colleagues", "posts": "6",
         "cost-per-post": "30000"},
        {"role": "New teacher mentor", "model": "Hybrid", "time": "One period a day",
         "responsibilities": "Mentors two first- or second-year teachers", "posts": "12",
         "cost-per-post": "9000"},
    ],
    "q-domains": ["tlms-1", "tlms-3", "tlms-4"],
    "q-selection": (
        "A published application with clear criteria, a lesson observed by two peers, and an interview "
        "panel of a principal, a teacher leader and a union representative."
    ),
    "q-training": (
        "A summer institute on adult learning and coaching, monthly cohort sessions during the year, "
        "and the county office's certificate for those who want it."
    ),
    "q-principal-support": (
        "Principals join part of the summer institute and meet their teacher leaders monthly. Principal "
        "managers add teacher leadership to their school visits."
    ),
    "q-recognition": ["stipend", "release-time", "career-step"],
    "q-board-ask": [
        {"ask": "Approve 18 teacher leader posts (6 mathematics team leads, 12 new teacher mentors) for 2027-28 "
                "and 2028-29, at $288,000 a year",
         "by-when": "15 January 2027"},
        {"ask": "Approve $60,000 a year from the general fund toward the posts' cost", "by-when": "15 January 2027"},
    ],
    "q-next-steps": [
        {"step": "Present this plan to the school board", "owner": "Maria Delgado", "due": "15 January 2027"},
        {"step": "Agree role descriptions with the union", "owner": "James Okafor", "due": "28 February 2027"},
        {"step": "Open applications for teacher leaders", "owner": "Aisha Noor", "due": "15 March 2027"},
        {"step": "Invite principals and the parent council to a stakeholder design workshop",
         "owner": "Priya Raman", "due": "12 February 2027"},
        {"step": "Review which information systems can give us effectiveness data", "owner": "James Okafor",
         "due": "31 March 2027"},
        {"step": "Agree the external expertise we need from the county office", "owner": "Aisha Noor",
         "due": "30 April 2027"},
        {"step": "Set up the coaching log and survey to measure success and monitor progress",
         "owner": "Maria Delgado", "due": "31 May 2027"},
        {"step": "Plan the summer institute: training for teacher leaders and a day for principals",
         "owner": "Aisha Noor", "due": "30 April 2027"},
    ],
}

_RATINGS = {
    "act-align-purpose": ("developing", "Priorities agreed in the strategic plan; purpose drafted today."),
    "act-engage-stakeholders": ("emerging", "Union involved; principals and families not yet."),
    "act-effectiveness-data": ("emerging", "Evaluation data exist but do not separate teachers well."),
    "act-funding": ("developing", "Title II re-directed; grant application under way."),
    "act-technical-expertise": ("emerging", ""),
    "act-success-data": ("emerging", "Measures drafted; no coaching log yet."),
    "act-shared-picture": ("not-started", ""),
    "act-monitor-progress": ("not-started", ""),
    "act-support-principals": ("not-started", ""),
    "act-train-teacher-leaders": ("emerging", "Certificate partner identified."),
    "act-define-roles": ("developing", "Two roles drafted with the union."),
    "act-select-teacher-leaders": ("not-applicable", "Selection is designed next term; not rated yet."),
}


def _generic_answer(question: Question, bank: Bank) -> object:
    kind = question.kind
    if kind == "text":
        return f"The team's answer to \u201c{question.text}\u201d, agreed at the planning workshop."
    if kind == "short_text":
        return "Agreed at the workshop"
    if kind == "choice":
        return question.options[0].id
    if kind == "multi_choice":
        return [o.id for o in question.options[:2]]
    if kind == "domains":
        return [d.id for d in bank.domains[:2]]
    if kind == "table":
        return [{c.id: f"{c.label} {n}" for c in question.columns} for n in (1, 2)]
    return {"pole": question.poles[0].id, "rationale": "Agreed at the workshop after discussion."}


def sample_plan(bank: Bank, today: dt.date | None = None, rounds: int = 1) -> Plan:
    """Return a plan with every question of bank answered and every action rated; with rounds > 1, that
    many rounds half a year apart, earlier ones rated lower with some answers shorter (see _earlier_rounds)."""
    plan = Plan(district=District(
        name=SAMPLE_DISTRICT,
        team=[Member(name=n, role=r) for n, r in _TEAM],
        date=today or dt.date.today(),
    ))
    scored = [lv.id for lv in bank.levels if lv.value is not None]
    for area in bank.areas:
        for question in area.questions:
            value = _ANSWERS.get(question.id)
            try:
                plan.set_answer(bank, question.id, value if value is not None else _generic_answer(question, bank))
            except ValueError:
                # A consultant changed this question's options or columns: answer it by its kind.
                plan.set_answer(bank, question.id, _generic_answer(question, bank))
        for n, action in enumerate(area.actions):
            level, note = _RATINGS.get(action.id, (scored[n % len(scored)], ""))
            if level not in bank.levels_by_id:
                level = scored[n % len(scored)]
            plan.set_rating(bank, action.id, level, note)
    if rounds > 1:
        _add_earlier_rounds(plan, bank, min(rounds, MAX_SAMPLE_ROUNDS))
    return plan


def _season(day: dt.date) -> str:
    return f"{'Autumn' if day.month >= 7 else 'Spring'} {day.year}"


def _earlier_answer(value: object, steps: int) -> object:
    """An answer as it read steps rounds ago: a sentence shorter per round, 'three years' still 'two'."""
    if not isinstance(value, str):
        return value
    sentences = re.split(r"(?<=\.) ", value.replace("three years", "two years"))
    return " ".join(sentences[:max(1, len(sentences) - steps)])


def _add_earlier_rounds(plan: Plan, bank: Bank, count: int) -> None:
    """Give plan count - 1 closed rounds before its own, half a year apart, and leave half of what the open
    round carried forward not yet reviewed."""
    today = plan.district.date or dt.date.today()
    scale = sorted((lv for lv in bank.levels if lv.value is not None), key=lambda lv: lv.value)
    order = [a.id for area in bank.areas for a in area.actions]
    changing = [q.id for area in bank.areas for q in area.questions if q.kind == "text"][::3]

    def started(steps: int) -> datetime:
        return datetime.combine(today - timedelta(days=182 * steps), time(9), tzinfo=timezone.utc)

    closed = []
    for steps in range(count - 1, 0, -1):  # oldest first
        ratings = {}
        for action_id, rating in plan.ratings.items():
            level = bank.levels_by_id.get(rating.level or "")
            if level is None or level.value is None:
                ratings[action_id] = rating
                continue
            n = order.index(action_id) if action_id in order else 0
            drop = (steps + n % 2) // 2  # every round moves some actions, never all
            lower = max(0, [lv.id for lv in scale].index(level.id) - drop)
            note = f"Planned: {rating.note}" if drop and rating.note else rating.note
            ratings[action_id] = Rating(level=scale[lower].id, note=note)
        answers = {q: (_earlier_answer(v, steps) if q in changing else v) for q, v in plan.answers.items()}
        closed.append(ClosedRound(label=_season(started(steps).date()), started_at=started(steps),
                                  closed_at=started(steps - 1), answers=answers, ratings=ratings))
    last = closed[-1]
    carried = [f"q:{q}" for q, v in last.answers.items() if plan.answers.get(q) == v] + [
        f"r:{a}" for a, r in last.ratings.items() if plan.ratings.get(a) == r]
    plan.rounds = closed
    plan.round = OpenRound(label=_season(today), started_at=started(0), unreviewed=carried[1::2])
