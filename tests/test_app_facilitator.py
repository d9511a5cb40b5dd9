"""Workshops through the pages in AppTest: the facilitator sets up, follows and closes a workshop; teams join
with their codes, rate on their own, agree, and are refused changes once the workshop is closed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from roadmap.plan import progress
from roadmap.scoring import score_areas
from roadmap.session import PlanSession
from roadmap.store import Store

from ui.member import ADD_ME

from .apptest_helpers import button, database_url, key, new_app, open_with_code, run, store  # noqa: F401

PASSPHRASE = "blue heron at the lake"
FACILITATOR_PAGE = "app_pages/facilitator.py"
TEAM_RATINGS_PAGE = "app_pages/consensus.py"


@pytest.fixture
def created(store):
    return store.create_workshop("Spring Institute", PASSPHRASE, ["Riverbend", "Lakeside"], day=dt.date(2026, 3, 14))


def facilitator() -> AppTest:
    at = new_app()
    at.switch_page(FACILITATOR_PAGE)
    return run(at)


def sign_in(code: str, passphrase: str = PASSPHRASE) -> AppTest:
    at = facilitator()
    at.text_input(key="_fac:code").input(code)
    at.text_input(key="_fac:pass").input(passphrase)
    button(at, "Open the dashboard").click()
    return run(at)


def join(code: str) -> AppTest:
    """A team member on the start page, typing the join code into the resume box."""
    return open_with_code(code)


def texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in (at.markdown, at.caption, at.text, at.error, at.warning, at.success,
                                          at.info) for e in kind)


def chart_spec(at: AppTest, index: int) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


# Setting up ------------------------------------------------------------------------------------


def test_facilitator_sets_up_a_workshop_and_gets_codes_and_join_cards(database_url, store, monkeypatch):
    monkeypatch.setenv("ROADMAP_PUBLIC_URL", "https://plan.example.org")
    at = facilitator()
    assert [t.label for t in at.tabs] == ["Open a workshop", "Set up a workshop"]
    at.text_input(key="_fac:new:name").input("Spring Institute")
    at.text_area(key="_fac:new:names").input("Riverbend\nLakeside\n\nHillcrest")
    at.text_input(key="_fac:new:pass").input(PASSPHRASE)
    at.text_input(key="_fac:new:again").input(PASSPHRASE)
    button(at, "Set up the workshop").click()
    run(at)
    assert at.header[0].value == "Spring Institute"
    codes = at.dataframe[0].value
    assert list(codes["Team"]) == ["1. Riverbend", "2. Lakeside", "3. Hillcrest"]
    workshop_code = at.code[0].value
    opened = store.open_workshop(workshop_code, PASSPHRASE)
    for team, code in zip(opened.teams, codes["Join code"]):
        assert store.open_by_code(code).plan_id == team.plan_id
    assert at.text_input(key="_fac:public_url").value == "https://plan.example.org"
    assert "Join cards (.docx)" in [d.proto.label for d in at.get("download_button")]
    button(at, "I have the codes; hide them").click()
    run(at)
    assert workshop_code not in [c.value for c in at.code]
    assert list(at.dataframe[0].value["Team"]) == ["1. Riverbend", "2. Lakeside", "3. Hillcrest"]  # the dashboard


def test_setting_up_refuses_passphrases_that_differ_and_a_team_named_twice(database_url, store):
    at = facilitator()
    at.text_input(key="_fac:new:name").input("Spring Institute")
    at.text_area(key="_fac:new:names").input("Riverbend\nriverbend")
    at.text_input(key="_fac:new:pass").input(PASSPHRASE)
    at.text_input(key="_fac:new:again").input(PASSPHRASE + "!")
    button(at, "Set up the workshop").click()
    run(at)
    message = at.error[0].value
    assert "passphrases differ" in message and "given twice" in message
    assert "facilitator_workshop" not in at.session_state
    assert store.list_plans() == []


# Joining and rating ----------------------------------------------------------------------------


def test_a_team_joins_with_its_code_and_lands_in_its_own_plan(created, store, bank):
    riverbend, lakeside = created.teams
    PlanSession.open(store, bank, riverbend.team.plan_id).answer("q-priorities", "Riverbend's own answer")
    at = join(lakeside.code.lower())
    assert at.header[0].value == "1. Design for impact"
    session = at.session_state["plan_session"]
    assert session.plan_id == lakeside.team.plan_id
    assert session.plan.district.name == "Lakeside"
    assert "q-priorities" not in session.plan.answers  # the other team's answer stays with the other team
    assert at.session_state["resume_code"] == lakeside.code
    assert "Team ratings: rate alone, then agree" in [p.proto.label for p in at.sidebar.get("page_link")]


def test_a_team_code_does_not_open_the_dashboard_and_a_wrong_passphrase_is_refused(created):
    for code, passphrase in ((created.teams[0].code, PASSPHRASE), (created.code, "blue heron at the pond")):
        at = sign_in(code, passphrase)
        assert "do not match a workshop" in at.error[0].value
        assert "facilitator_workshop" not in at.session_state
        assert not at.get("plotly_chart")
        assert passphrase not in texts(at)


def test_the_dashboard_shows_what_the_teams_entered(created, store, bank, sample):
    riverbend, lakeside = (t.team.plan_id for t in created.teams)
    one = PlanSession.open(store, bank, riverbend, who="Maria")
    one.answer("q-priorities", "Mathematics first")
    one.rate("act-align-purpose", "developing")
    one.rate("act-engage-stakeholders", "established")
    two = PlanSession.open(store, bank, lakeside, who="Tom")
    for question_id, value in sample.answers.items():
        two.answer(question_id, value)
    for action_id, rating in sample.ratings.items():
        two.rate(action_id, rating.level, rating.note)
    store.save_member_rating(riverbend, "Maria", "act-align-purpose", "emerging")

    at = sign_in(created.code)
    table = at.dataframe[0].value
    assert list(table["Team"]) == ["1. Riverbend", "2. Lakeside"]
    for row, plan_id in zip(table.to_dict("records"), (riverbend, lakeside)):
        plan = store.load(plan_id).plan
        areas = progress(plan, bank)
        scores = score_areas(plan, bank)
        assert row["Progress"] == 100 * sum(a.done for a in areas) // sum(a.total for a in areas)
        for number, (area, score) in enumerate(zip(areas, scores), start=1):
            assert row[f"{number}. {area.title}"] == f"{area.done}/{area.total} · {score.label}"
        assert row["Required missing"] == sum(len(a.missing_required) for a in areas)
    assert list(table["Rated alone"]) == [1, 0]
    assert table.loc[0, "1. Design for impact"].endswith("· 3.5: between Developing and Established")  # (3 + 4) / 2

    heat = chart_spec(at, 0)["data"][0]
    expected = [[s.mean for s in score_areas(store.load(p).plan, bank)] for p in (riverbend, lakeside)]
    assert heat["z"] == expected
    assert heat["text"][0][0] == "3.5"
    combined = at.table[0].value
    assert combined.loc["Design for impact", "Teams rated"] == "2 of 2"
    # teams, never joined (sessions opened here, not by a code on a device), finished, quiet
    assert [m.value for m in at.metric] == ["2", "2", "1", "0"]


def test_the_room_tells_a_team_that_never_joined_from_one_that_is_working(created, store):
    team = join(created.teams[0].code)
    team.text_area(key=key(team, "q-priorities")).input("We are here")
    run(team)
    at = sign_in(created.code)
    room = at.dataframe[1].value.to_dict("records")
    assert [(r["Team"], r["In the room"], r["Last save"]) for r in room] == [
        ("1. Riverbend", "1 device active", "just now"), ("2. Lakeside", "Never joined", "No save yet")]
    progress_table = at.dataframe[0].value
    assert list(progress_table["Last activity"]) == ["just now", "never joined"]


def test_the_disagreement_board_lists_teams_and_actions_members_are_apart_on_widest_first(created, store):
    riverbend, lakeside = (t.team.plan_id for t in created.teams)
    for plan_id, member, action_id, level in [
            (riverbend, "Maria", "act-align-purpose", "emerging"), (riverbend, "Tom", "act-align-purpose", "established"),
            (riverbend, "Maria", "act-funding", "emerging"), (riverbend, "Tom", "act-funding", "developing"),
            (lakeside, "Ana", "act-funding", "not-started"), (lakeside, "Ben", "act-funding", "established"),
            (lakeside, "Ana", "act-success-data", "not-started"), (lakeside, "Ben", "act-success-data", "developing")]:
        store.save_member_rating(plan_id, member, action_id, level)
    at = sign_in(created.code)
    assert "Where members disagree (3)" in [t.label for t in at.tabs]
    board = at.dataframe[2].value.to_dict("records")
    assert [(r["Team"], r["Spread (levels)"], r["Lowest to highest"]) for r in board] == [
        ("2. Lakeside", 3, "1 to 4"), ("1. Riverbend", 2, "2 to 4"), ("2. Lakeside", 2, "1 to 3")]
    assert board[0]["Action"].startswith("finding potential funding sources")


def test_the_facilitator_reads_a_teams_plan_without_being_able_to_change_it(created, store, bank):
    plan_id = created.teams[1].team.plan_id
    PlanSession.open(store, bank, plan_id).answer("q-priorities", "Retention of new teachers")
    at = sign_in(created.code)
    at.selectbox(key="_fac:read").set_value(plan_id)
    run(at)
    assert "Read-only: only the team can change its plan." in texts(at)
    assert "Retention of new teachers" in [t.value for t in at.text]
    assert not [t for t in at.text_area if t.value == "Retention of new teachers"]
    assert "This team's plan (.docx)" in [d.proto.label for d in at.get("download_button")]


def add_me(at: AppTest, name: str) -> None:
    """A member not on the team list yet adds their name on Team ratings (once)."""
    at.selectbox(key="_tr:member").set_value(ADD_ME)
    run(at)
    at.text_input(key="_tr:new-name").input(name)
    button(at, "Add me to the team").click()
    run(at)


def team_ratings(code: str) -> AppTest:
    at = join(code)
    at.switch_page(TEAM_RATINGS_PAGE)
    return run(at)


def test_members_rate_alone_then_the_team_agrees_where_they_were_apart(created, store):
    code, plan_id = created.teams[0].code, created.teams[0].team.plan_id
    store.set_pacing(created.workshop.workshop_id, None, hide_member_ratings=False)  # revealed: no pacing
    for name, level in (("Maria", "not-started"), ("Tom", "developing")):
        at = team_ratings(code)
        add_me(at, name)
        at.radio(key=f"_tr:mine:{name}:act-align-purpose").set_value(level)
        run(at)
    assert [(r.member, r.level) for r in store.member_ratings(plan_id)] == [
        ("Maria", "not-started"), ("Tom", "developing")]
    assert "act-align-purpose" not in store.load(plan_id).plan.ratings  # not agreed yet

    warnings = [w.value for w in at.warning]
    assert warnings == ["Members are 2 or more levels apart: talk this one through before agreeing."]
    assert "Median: 2 · Emerging" in [t.value for t in at.text]
    assert "2 members rated on their own" in texts(at)
    assert "1 action with members 2 or more levels apart" in texts(at)
    at.radio(key=key(at, "act-align-purpose", "agreed")).set_value("emerging")
    run(at)
    at.text_input(key=key(at, "act-align-purpose", "agreed-note")).input("No owner yet, so emerging")
    run(at)
    agreed = store.load(plan_id).plan.ratings["act-align-purpose"]
    assert (agreed.level, agreed.note) == ("emerging", "No owner yet, so emerging")
    assert [m.name for m in store.load(plan_id).plan.district.team] == ["Maria", "Tom"]  # the plan's team table


def test_paced_ratings_stay_hidden_until_every_member_rated_or_the_facilitator_reveals(created, store, bank):
    code, plan_id = created.teams[0].code, created.teams[0].team.plan_id
    first, second = list(bank.actions)[:2]
    maria = team_ratings(code)
    add_me(maria, "Maria")  # on the team list now: present, whether or not she has rated
    maria.radio(key=f"_tr:mine:Maria:{first}").set_value("not-started")
    run(maria)
    assert [t.label for t in maria.tabs] == ["1. My own ratings"]  # no Compare before rating every action
    tom = team_ratings(code)
    add_me(tom, "Tom")
    for action_id in bank.actions:
        tom.radio(key=f"_tr:mine:Tom:{action_id}").set_value("developing")
        run(tom)
    assert [t.label for t in tom.tabs] == ["1. My own ratings", "2. Compare and agree"]
    # Both rated the first action: it shows (and they are apart); Maria has not rated the second: hidden.
    assert [list(d.value["Rating"]) for d in tom.dataframe] == [["1 · Not started", "3 · Developing"]]
    assert "Hidden until everyone has rated it on their own; waiting for Maria." in texts(tom)

    at = sign_in(created.code)  # the facilitator reveals, and points every team to area 2
    at.selectbox(key="_fac:focus").set_value(2)
    run(at)
    at.toggle(key="_fac:hide").set_value(False)
    run(at)
    assert store.workshop(created.workshop.workshop_id).hide_member_ratings is False
    run(tom)
    assert "we are on area 2, Know the context" in tom.info[0].value
    ratings = [list(d.value["Rating"]) for d in tom.dataframe]
    assert len(ratings) == len(bank.actions) and ratings[1] == ["3 · Developing"]
    assert "waiting for Maria" not in texts(tom)
    run(maria)
    assert "2. Compare and agree" in [t.label for t in maria.tabs]  # revealed: open to every member


# Closing, removing, collecting ------------------------------------------------------------------


def test_closing_the_workshop_makes_the_wizard_refuse_changes_with_a_message(created, store):
    team = join(created.teams[0].code)
    team.text_area(key=key(team, "q-priorities")).input("Before closing")
    run(team)
    at = sign_in(created.code)
    assert button(at, "Close the workshop").disabled  # until the facilitator confirms
    at.checkbox(key="_fac:close:sure").check()
    run(at)
    button(at, "Close the workshop").click()
    run(at)
    assert "The workshop is closed" in at.success[0].value

    typed = "After closing: " + "the district's priorities, in our own words. " * 8
    team.text_area(key=key(team, "q-priorities")).input(typed)
    run(team)
    assert "closed by the facilitator while you typed" in team.error[0].value
    assert "copy your text" in team.error[0].value
    box = team.text_area(key=key(team, "q-priorities"))
    assert box.value == typed and box.disabled  # kept on screen, not wiped; no more typing
    assert "this plan is read-only" in team.warning[0].value
    assert typed in [c.value for c in team.main.code]  # with a copy button, as a disabled box may not copy
    assert store.open_by_code(created.teams[0].code).plan.answers["q-priorities"] == "Before closing"

    button(at, "Open the workshop again").click()
    run(at)
    run(team)  # the team's next run: the kept text is saved and every message goes
    assert "what you typed while it was closed is now saved" in team.success[0].value
    assert not team.error and not team.warning
    assert not team.text_area(key=key(team, "q-priorities")).disabled
    assert store.open_by_code(created.teams[0].code).plan.answers["q-priorities"] == typed
    team.text_area(key=key(team, "q-priorities")).input("After reopening")
    run(team)
    assert not team.error
    assert store.open_by_code(created.teams[0].code).plan.answers["q-priorities"] == "After reopening"


def test_every_step_of_a_closed_workshops_plan_says_read_only_and_draws_its_fields_disabled(created, store):
    team = join(created.teams[0].code)
    store.set_workshop_status(created.workshop.workshop_id, "closed")
    for step in (0, 1):
        team.button(key=f"_nav:{step}").click()
        run(team)
        assert "this plan is read-only" in team.warning[0].value
    # Every field of the plan; the device's own "who is working here" name is not part of the plan.
    fields = [f for f in (*team.main.radio, *team.main.text_input, *team.main.text_area) if f.key != "_who:name"]
    assert fields and all(f.disabled for f in fields)
    team.button(key="_nav:0").click()
    run(team)
    assert team.text_input(key=key(team, "district", "name")).disabled
    store.set_workshop_status(created.workshop.workshop_id, "open")
    run(team)
    assert "open again" in team.info[0].value and not team.warning
    assert not team.text_input(key=key(team, "district", "name")).disabled


def test_removing_a_team_asks_first_and_keeps_its_plan(created, store, bank):
    gone = created.teams[0]
    PlanSession.open(store, bank, gone.team.plan_id).answer("q-priorities", "Kept")
    at = sign_in(created.code)
    at.selectbox(key="_fac:remove").set_value(gone.team.plan_id)
    run(at)
    assert button(at, "Take the team out").disabled
    at.checkbox(key=f"_fac:remove:sure:{gone.team.plan_id}").check()
    run(at)
    button(at, "Take the team out").click()
    run(at)
    assert "Riverbend is no longer in this workshop. Its plan is kept" in at.success[0].value
    assert list(at.dataframe[0].value["Team"]) == ["2. Lakeside"]
    assert store.open_by_code(gone.code).plan.answers["q-priorities"] == "Kept"


def test_collecting_is_offered_and_archiving_lets_the_teams_go(created, store):
    at = sign_in(created.code)
    assert "Download everything (.zip)" in [d.proto.label for d in at.get("download_button")]
    at.checkbox(key="_fac:archive:sure").check()
    run(at)
    button(at, "Archive the workshop").click()
    run(at)
    assert "The workshop is archived" in at.success[0].value
    assert not store.plan_is_locked(created.teams[0].team.plan_id)
    again = sign_in(created.code)  # archived: still opens, read-only, to collect and show the codes
    assert "Archived" in texts(again)
    assert "Download everything (.zip)" in [d.proto.label for d in again.get("download_button")]
    assert "Close the workshop" not in [b.label for b in again.button]
    assert button(again, "Delete the workshop").disabled  # until confirmed
    again.checkbox(key="_fac:delete:sure").check()
    run(again)
    button(again, "Delete the workshop").click()
    run(again)
    assert "is deleted. Every team keeps its plan" in again.success[0].value
    assert "do not match a workshop" in sign_in(created.code).error[0].value
    assert store.open_by_code(created.teams[0].code).plan.district.name == "Riverbend"


def test_after_signing_in_the_facilitator_shows_every_teams_current_code_again(created, store):
    at = sign_in(created.code)
    assert created.teams[0].code not in [c.value for c in at.code]  # not on screen unless asked
    at.toggle(key="_fac:codes:show").set_value(True)
    run(at)
    shown = at.dataframe[0].value
    assert list(shown["Join code"]) == [t.code for t in created.teams]
    assert at.code[0].value == created.code
    at.selectbox(key="_fac:reissue").set_value(created.teams[1].team.plan_id)
    run(at)
    button(at, "Make a new code").click()
    run(at)
    button(at, "I have the codes; hide them").click()
    run(at)
    later = sign_in(created.code)  # another day, another tab: the new code is the one shown
    later.toggle(key="_fac:codes:show").set_value(True)
    run(later)
    current = list(later.dataframe[0].value["Join code"])
    assert current[0] == created.teams[0].code and current[1] != created.teams[1].code
    assert store.open_by_code(current[1]).plan_id == created.teams[1].team.plan_id
    labels = [d.proto.label for d in later.get("download_button")]
    assert "Roster of codes, one page (.docx)" in labels


def test_a_workshops_own_question_bank_is_the_one_its_teams_answer(store, bank_with_fifth_area):
    _, path = bank_with_fifth_area
    workshop = store.create_workshop("Spring", PASSPHRASE, ["Riverbend"], bank_yaml=path.read_text("utf-8"))
    team = join(workshop.teams[0].code)
    labels = [b.label for b in team.sidebar.button]
    assert any(label.startswith("5. Sustain the work") for label in labels)
    team.button(key="_nav:5").click()
    run(team)
    team.text_area(key=key(team, "q-after-pilot")).input("A line in the district budget")
    run(team)
    assert store.load(workshop.teams[0].team.plan_id).plan.answers["q-after-pilot"] == "A line in the district budget"
    at = sign_in(workshop.code)
    assert "5. Sustain the work" in at.dataframe[0].value.columns


def test_a_closed_workshops_team_details_and_history_cannot_be_changed_either(created, store):
    team = join(created.teams[0].code)
    team.text_area(key=key(team, "q-priorities")).input("First version")
    run(team)
    team.text_area(key=key(team, "q-priorities")).input("Second version")
    run(team)
    store.set_workshop_status(created.workshop.workshop_id, "closed")
    team.button(key="_nav:0").click()
    run(team)
    name_box = team.text_input(key=key(team, "district", "name"))
    assert name_box.disabled and name_box.value == "Riverbend"  # read-only: it cannot be typed into
    team.button(key=f"_nav:{len(team.session_state['plan_session'].bank.areas) + 1}").click()
    run(team)
    team.selectbox(key="_hist:question").set_value("q-priorities")
    run(team)
    button(team, "Restore this version").click()
    run(team)
    assert "closed by its facilitator" in team.error[0].value
    stored = store.open_by_code(created.teams[0].code).plan
    assert (stored.district.name, stored.answers["q-priorities"]) == ("Riverbend", "Second version")
    team.checkbox(key="_delete:sure").check()
    run(team)
    button(team, "Delete the plan for good").click()
    run(team)
    assert "closed by its facilitator" in team.error[0].value
    assert store.open_by_code(created.teams[0].code).plan.answers["q-priorities"] == "Second version"


def test_teams_added_later_get_their_codes_shown_once(created, store):
    at = sign_in(created.code)
    at.text_area(key="_fac:add:names").input("Hillcrest")
    button(at, "Add the teams").click()
    run(at)
    assert "Added 1 team" in at.success[0].value
    codes = at.dataframe[0].value
    assert list(codes["Team"]) == ["3. Hillcrest"]
    assert store.open_by_code(codes["Join code"][0]).plan.district.name == "Hillcrest"
    assert list(at.dataframe[1].value["Team"]) == ["1. Riverbend", "2. Lakeside", "3. Hillcrest"]


def test_a_team_that_lost_its_code_is_given_a_new_one_on_the_dashboard(created, store):
    lakeside = created.teams[1]
    at = sign_in(created.code)
    at.selectbox(key="_fac:reissue").select(lakeside.team.plan_id)
    run(at)
    button(at, "Make a new code").click()
    run(at)
    assert "Lakeside has a new join code" in at.success[0].value
    codes = at.dataframe[0].value
    assert list(codes["Team"]) == ["2. Lakeside"]
    new_code = codes["Join code"][0]
    assert store.open_by_code(new_code).plan_id == lakeside.team.plan_id
    joined = join(new_code)  # the team types the new code on the start page
    assert joined.session_state["plan_session"].plan_id == lakeside.team.plan_id
    refused = join(lakeside.code)
    assert "plan_session" not in refused.session_state and refused.error


def test_the_dashboard_says_when_the_database_does_not_answer_and_the_page_stays(created, monkeypatch):
    from roadmap.store import DatabaseUnavailableError

    at = sign_in(created.code)

    def unreachable(self, *args, **kwargs):
        raise DatabaseUnavailableError("postgresql+psycopg://planner@db/plans", "connection refused")

    monkeypatch.setattr(Store, "workshop_progress", unreachable)
    run(at)
    assert "The database did not answer" in at.warning[0].value
    assert any(b.label == "Sign out of this workshop" for b in at.button)  # the rest of the page is there
