"""The store, as the wizard and the operator use it. Every test runs on SQLite and, when
TEST_POSTGRES_URL is set, on PostgreSQL too, each in a fresh database (or schema)."""

from __future__ import annotations

import datetime as dt
import math
import os
import uuid

import pytest
from sqlalchemy import create_engine, func, inspect, select

from roadmap import codes
from roadmap.plan import District, Member, Plan, Rating
from roadmap.store import (
    DISTRICT_KEY, DatabaseUnavailableError, StaleEntryError, Store, StoreError, UnknownCodeError,
    UnknownDeviceError, UnknownPlanError, UnknownVersionError, answer_key, device_tokens, entries, history,
    normalise_url, plans, rating_key,
)

from .conftest import NASTY_STRINGS

POSTGRES_ENV = "TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A URL of an empty database: a new SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'plans.sqlite3'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = normalise_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def waits() -> list[float]:
    """The waits the store asked for after wrong codes (recorded instead of slept)."""
    return []


@pytest.fixture
def store(database_url, waits):
    opened = Store(database_url, sleep=waits.append)
    yield opened
    opened.close()


def rows_of(store: Store, table, plan_id: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(table.c.plan_id == plan_id)).scalar()


def every_kind_plan(bank, text: str) -> Plan:
    """A plan answering one question of every kind, with text in every place a user can type."""
    plan = Plan(district=District(name=text[:500], team=[Member(name=text[:500], role=text[:500])],
                                  date=dt.date(2025, 3, 14)))
    for question in bank.questions.values():
        kind = question.kind
        if kind == "text":
            value = text
        elif kind == "short_text":
            value = text[: question.max_chars or 500]
        elif kind == "choice":
            value = question.options[-1].id
        elif kind == "multi_choice":
            value = [o.id for o in question.options[:2]]
        elif kind == "domains":
            value = [d.id for d in bank.domains[:3]]
        elif kind == "table":
            # A number column holds numbers (typed "$12,000", kept as 12000); every other cell the text.
            value = [{c.id: "$12,000" if c.type == "number" else text for c in question.columns},
                     {c.id: "7" if c.type == "number" else "second row" for c in question.columns}]
        else:
            value = {"pole": question.poles[1].id, "rationale": text}
        plan.set_answer(bank, question.id, value)
    for action_id in bank.actions:
        plan.set_rating(bank, action_id, bank.levels[1].id, text)
    return plan


# Round trips ------------------------------------------------------------------


@pytest.mark.parametrize("text", NASTY_STRINGS, ids=["emoji", "rtl", "script", "crlf", "100k"])
def test_every_kind_of_answer_comes_back_exactly_as_typed(store, bank, text):
    plan = every_kind_plan(bank, text)
    created = store.create_plan(plan, who="Maria")
    loaded = store.load(created.plan_id)
    assert loaded.plan == plan
    assert loaded.plan.answers["q-priorities"] == text
    assert loaded.plan.ratings["act-align-purpose"].note == text
    assert loaded.plan.to_json() == plan.to_json()


def test_sample_plan_reopens_with_its_code_unchanged(store, sample):
    created = store.create_plan(sample, who="Maria")
    reopened = store.open_by_code(created.code)
    assert reopened.plan_id == created.plan_id
    assert reopened.plan == sample
    assert set(reopened.versions) == set(created.versions)
    assert set(reopened.versions.values()) == {1}
    assert reopened.updated_by[answer_key("q-priorities")] == "Maria"


def test_answers_saved_one_by_one_are_there_after_reopening(store, bank):
    created = store.create_plan(Plan(), who="Maria")
    assert store.save_answer(created.plan_id, "q-priorities", "Mathematics first", 0, "Maria") == 1
    assert store.save_answer(created.plan_id, "q-priorities", "Mathematics and retention", 1, "Maria") == 2
    store.save_rating(created.plan_id, "act-align-purpose", Rating(level="emerging", note="Started"), 0, "Tom")
    store.save_district(created.plan_id, District(name="Lakeside Schools", team=[Member(name="Tom")]), 1, "Tom")
    reopened = store.open_by_code(created.code)
    assert reopened.plan.answers == {"q-priorities": "Mathematics and retention"}
    assert reopened.plan.ratings == {"act-align-purpose": Rating(level="emerging", note="Started")}
    assert reopened.plan.district.name == "Lakeside Schools"
    assert reopened.versions == {DISTRICT_KEY: 2, answer_key("q-priorities"): 2, rating_key("act-align-purpose"): 1}


def test_answers_to_questions_the_bank_no_longer_has_are_kept(store):
    plan = Plan(answers={"q-retired-question": "Still here"})
    created = store.create_plan(plan)
    store.save_answer(created.plan_id, "q-another-retired", ["a", "b"], 0)
    assert store.load(created.plan_id).plan.answers == {"q-retired-question": "Still here",
                                                         "q-another-retired": ["a", "b"]}


def test_a_store_opened_again_on_the_same_database_keeps_every_plan(database_url, sample):
    first = Store(database_url)
    created = first.create_plan(sample)
    first.close()
    second = Store(database_url)
    try:
        assert second.open_by_code(created.code).plan == sample
    finally:
        second.close()


# Teammates at once ------------------------------------------------------------


def test_second_writer_of_the_same_answer_is_told_and_sees_both_texts(store):
    plan_id = store.create_plan(Plan(answers={"q-priorities": "Draft"})).plan_id
    store.save_answer(plan_id, "q-priorities", "Maria's text", 1, "Maria")
    with pytest.raises(StaleEntryError) as caught:
        store.save_answer(plan_id, "q-priorities", "Tom's text", 1, "Tom")
    err = caught.value
    assert (err.plan_id, err.key) == (plan_id, answer_key("q-priorities"))
    assert err.attempted_value == "Tom's text"
    assert err.current_value == "Maria's text"
    assert (err.current_version, err.updated_by) == (2, "Maria")
    assert err.updated_at is not None
    assert "Maria" in str(err) and "not saved" in str(err)
    assert store.load(plan_id).plan.answers["q-priorities"] == "Maria's text"


def test_two_first_answers_to_the_same_question_do_not_overwrite(store):
    plan_id = store.create_plan(Plan()).plan_id
    store.save_answer(plan_id, "q-priorities", "Maria's first", 0, "Maria")
    with pytest.raises(StaleEntryError) as caught:
        store.save_answer(plan_id, "q-priorities", "Tom's first", 0, "Tom")
    assert caught.value.current_value == "Maria's first"
    assert caught.value.current_version == 1
    assert store.load(plan_id).plan.answers["q-priorities"] == "Maria's first"


def test_teammates_on_different_answers_never_conflict(store):
    plan_id = store.create_plan(Plan()).plan_id
    opened = store.load(plan_id)  # both open the same plan
    store.save_answer(plan_id, "q-priorities", "Maria's", opened.version_of(answer_key("q-priorities")), "Maria")
    store.save_answer(plan_id, "q-data-systems", "Tom's", opened.version_of(answer_key("q-data-systems")), "Tom")
    store.save_rating(plan_id, "act-align-purpose", Rating(level="developing"), 0, "Priya")
    assert store.load(plan_id).plan.answers == {"q-priorities": "Maria's", "q-data-systems": "Tom's"}


def test_stale_rating_and_district_saves_are_refused_too(store):
    plan_id = store.create_plan(Plan(district=District(name="Riverbend"))).plan_id
    store.save_district(plan_id, District(name="Riverbend Unified"), 1, "Maria")
    with pytest.raises(StaleEntryError) as caught:
        store.save_district(plan_id, District(name="Riverbend USD"), 1, "Tom")
    assert caught.value.current_value.name == "Riverbend Unified"
    assert caught.value.attempted_value.name == "Riverbend USD"
    store.save_rating(plan_id, "act-align-purpose", Rating(level="emerging"), 0, "Maria")
    with pytest.raises(StaleEntryError) as caught:
        store.save_rating(plan_id, "act-align-purpose", Rating(level="established"), 0, "Tom")
    assert caught.value.current_value == Rating(level="emerging")
    assert store.load(plan_id).plan.ratings["act-align-purpose"].level == "emerging"


def test_changed_since_brings_a_teammates_edit_and_nothing_else(store):
    plan_id = store.create_plan(Plan(answers={"q-priorities": "A", "q-expertise": "B"})).plan_id
    mine = store.load(plan_id)
    assert store.changed_since(plan_id, mine.versions) == {}
    store.save_answer(plan_id, "q-expertise", "B, improved by Tom", 1, "Tom")
    store.save_answer(plan_id, "q-training", "New from Priya", 0, "Priya")
    assert store.changed_since(plan_id, mine.versions) == {
        answer_key("q-expertise"): ("B, improved by Tom", 2),
        answer_key("q-training"): ("New from Priya", 1),
    }


def test_every_save_moves_the_plans_last_change(store):
    plan_id = store.create_plan(Plan(updated_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))).plan_id
    before = store.load(plan_id).updated_at
    store.save_answer(plan_id, "q-priorities", "x", 0)
    after = store.load(plan_id)
    assert after.updated_at > before
    assert after.plan.updated_at == after.updated_at


# History ----------------------------------------------------------------------


def test_history_keeps_every_version_with_who_and_when_newest_first(store):
    plan_id = store.create_plan(Plan(answers={"q-priorities": "One"}), who="Maria").plan_id
    store.save_answer(plan_id, "q-priorities", "Two", 1, "Tom")
    store.save_answer(plan_id, "q-priorities", "Three", 2, "Priya")
    versions = store.history(plan_id, answer_key("q-priorities"))
    assert [(h.value, h.version, h.updated_by) for h in versions] == [
        ("Three", 3, "Priya"), ("Two", 2, "Tom"), ("One", 1, "Maria")]
    assert versions[0].updated_at >= versions[1].updated_at >= versions[2].updated_at
    assert all(h.updated_at.tzinfo is not None for h in versions)


def test_restore_brings_back_an_old_text_as_a_new_version(store):
    plan_id = store.create_plan(Plan(answers={"q-priorities": "The good one"})).plan_id
    store.save_answer(plan_id, "q-priorities", "Accidentally overwritten", 1, "Tom")
    assert store.restore(plan_id, answer_key("q-priorities"), 1, 2, "Maria") == 3
    assert store.load(plan_id).plan.answers["q-priorities"] == "The good one"
    latest = store.history(plan_id, answer_key("q-priorities"))[0]
    assert (latest.value, latest.version, latest.updated_by) == ("The good one", 3, "Maria")


def test_restore_of_a_district_version_renames_the_plan_in_the_list(store):
    plan_id = store.create_plan(Plan(district=District(name="Old name"))).plan_id
    store.save_district(plan_id, District(name="New name"), 1)
    store.restore(plan_id, DISTRICT_KEY, 1, 2)
    assert [s.district_name for s in store.list_plans()] == ["Old name"]
    assert store.load(plan_id).plan.district.name == "Old name"


def test_restore_over_a_newer_save_is_refused_and_unknown_versions_are_named(store):
    plan_id = store.create_plan(Plan(answers={"q-priorities": "One"})).plan_id
    store.save_answer(plan_id, "q-priorities", "Two", 1)
    with pytest.raises(StaleEntryError) as caught:
        store.restore(plan_id, answer_key("q-priorities"), 1, 1)
    assert caught.value.attempted_value == "One" and caught.value.current_value == "Two"
    with pytest.raises(UnknownVersionError) as missing:
        store.restore(plan_id, answer_key("q-priorities"), 7, 2)
    assert missing.value.key == answer_key("q-priorities") and "version 7" in str(missing.value)


def test_clearing_an_answer_is_a_new_version_and_the_old_text_stays_in_history(store):
    plan_id = store.create_plan(Plan(answers={"q-priorities": "Keep me somewhere"})).plan_id
    assert store.save_answer(plan_id, "q-priorities", "", 1, "Tom") == 2
    loaded = store.load(plan_id)
    assert "q-priorities" not in loaded.plan.answers
    assert loaded.version_of(answer_key("q-priorities")) == 2
    assert [h.value for h in store.history(plan_id, answer_key("q-priorities"))] == ["", "Keep me somewhere"]


# Resume codes -------------------------------------------------------------------


def test_codes_have_at_least_50_bits_and_no_look_alike_characters():
    assert codes.CODE_BITS >= 50
    assert math.isclose(codes.CODE_BITS, 10 * math.log2(len(codes.ALPHABET)))
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET)
    drawn = [codes.new_code() for _ in range(2000)]
    assert len(set(drawn)) == len(drawn)
    for code in drawn:
        assert len(code) == 12 and code[4] == code[9] == "-"
        assert not set(code) & set("0O1I")
        assert set(code.replace("-", "")) <= set(codes.ALPHABET)


def test_right_code_is_accepted_in_lower_case_with_spaces(store, sample, waits):
    created = store.create_plan(sample)
    compact = created.code.replace("-", "")
    for typed in (created.code.lower(), f" {compact[:4]} {compact[4:8]} {compact[8:]} ", compact.lower()):
        assert store.open_by_code(typed).plan_id == created.plan_id
    assert waits == []


def test_wrong_codes_are_refused_and_each_retry_waits_longer(store, sample, waits):
    created = store.create_plan(sample)
    wrong = "2222-2222-22" if created.code != "2222-2222-22" else "3333-3333-33"
    for _ in range(12):
        with pytest.raises(UnknownCodeError) as caught:
            store.open_by_code(wrong, client="browser-a")
        assert str(caught.value) == "No plan has that code. Check it and try again."
    assert waits[:4] == [0.5, 1.0, 1.5, 2.0]
    assert waits[-1] == 5.0 and max(waits) == 5.0
    with pytest.raises(UnknownCodeError):
        store.open_by_code(wrong, client="browser-b")
    assert waits[-1] == 0.5  # another client is not slowed by browser-a's guesses
    store.open_by_code(created.code, client="browser-a")
    with pytest.raises(UnknownCodeError):
        store.open_by_code(wrong, client="browser-a")
    assert waits[-1] == 5.0  # one's own right code does not wipe the slowdown between guesses (#11)


def test_past_the_servers_budget_of_wrong_codes_every_wrong_code_waits_the_longest(store, sample, waits):
    from roadmap.codes import WRONG_CODES_PER_MINUTE

    created = store.create_plan(sample)
    wrong = "2222-2222-22" if created.code != "2222-2222-22" else "3333-3333-33"
    for n in range(WRONG_CODES_PER_MINUTE):  # each from an address of its own: no one is slowed yet
        with pytest.raises(UnknownCodeError):
            store.open_by_code(wrong, client=f"203.0.113.{n}")
    assert set(waits) == {0.5}
    with pytest.raises(UnknownCodeError):
        store.open_by_code(wrong, client="198.51.100.1")
    assert waits[-1] == 5.0
    assert store.open_by_code(created.code, client="198.51.100.2").plan_id == created.plan_id  # right codes open


def test_text_that_cannot_be_a_code_says_what_a_code_looks_like(store, waits):
    with pytest.raises(UnknownCodeError) as caught:
        store.open_by_code("K7QF-M2XR")
    assert "10 letters and digits, like K7QF-M2XR-9P" in str(caught.value)
    with pytest.raises(UnknownCodeError):
        store.open_by_code("O0O0-I1I1-O0")  # look-alikes are never in a code
    assert waits == []  # nothing was looked up, so there is nothing to slow down


def test_neither_codes_nor_device_tokens_are_stored_in_the_clear(store, sample):
    created = store.create_plan(sample)
    token = store.issue_device_token(created.plan_id, code=created.code)
    with store.engine.connect() as conn:
        dumped = " ".join(str(row) for table in (plans, entries, history, device_tokens)
                          for row in conn.execute(select(table)))
    for secret in (created.code, created.code.replace("-", ""), token):
        assert secret not in dumped
    # Only keyed hashes: without the server's secret, the plain digests a guesser could compute are absent.
    assert codes.code_hash(created.code, store._secret) in dumped
    assert codes.code_digest(created.code) not in dumped and codes.token_digest(token) not in dumped


# Devices ------------------------------------------------------------------------


def test_a_device_token_brings_a_browser_back_to_its_plan_and_step(store, sample):
    created = store.create_plan(sample)
    token = store.issue_device_token(created.plan_id)
    assert store.step_for_device(token) == 0
    store.remember_step(token, 3)
    assert store.plan_for_device(token) == created.plan_id
    assert store.step_for_device(token) == 3
    other = store.issue_device_token(created.plan_id)
    assert store.step_for_device(other) == 0  # each browser keeps its own step


def test_a_device_token_is_checked_against_the_code_given_but_never_gives_the_code_back(store, sample):
    created = store.create_plan(sample)
    compact = created.code.replace("-", "").lower()
    knows = store.issue_device_token(created.plan_id, code=compact)
    assert store.plan_for_device(knows) == created.plan_id
    assert not hasattr(store, "code_for_device")  # a copied cookie must not reveal the code (#11)
    with store.engine.connect() as conn:
        assert "sealed_code" not in {c["name"] for c in inspect(conn).get_columns("device_tokens")}
    with pytest.raises(UnknownCodeError):
        store.issue_device_token(created.plan_id, code="2222-3333-44")
    assert store.revoke_device_token(knows) is True
    assert store.plan_for_device(knows) is None
    assert store.revoke_device_token(knows) is False


def test_a_device_opened_on_a_step_comes_back_to_that_step(store, sample):
    created = store.create_plan(sample)
    token = store.issue_device_token(created.plan_id, created.code, step=1)
    assert store.step_for_device(token) == 1  # a reload right after starting lands on step 1, not the team
    store.remember_step(token, 3)
    assert store.step_for_device(token) == 3


def test_a_device_token_unused_for_sixty_days_opens_nothing_but_the_code_still_does(store, sample):
    from datetime import datetime, timedelta, timezone

    from roadmap.store import DEVICE_TOKEN_DAYS, device_tokens

    created = store.create_plan(sample)
    token = store.issue_device_token(created.plan_id, created.code)
    long_ago = datetime.now(timezone.utc) - timedelta(days=DEVICE_TOKEN_DAYS, hours=1)
    with store.engine.begin() as conn:
        conn.execute(device_tokens.update().values(last_seen=long_ago))
    assert store.plan_for_device(token) is None
    assert store.open_by_code(created.code).plan_id == created.plan_id
    recent = store.issue_device_token(created.plan_id)
    with store.engine.begin() as conn:
        conn.execute(device_tokens.update().where(device_tokens.c.last_seen > long_ago)
                     .values(last_seen=long_ago + timedelta(hours=2)))
    assert store.plan_for_device(recent) == created.plan_id  # used just inside the limit: still works


def test_a_revoked_or_unknown_device_token_opens_nothing(store, sample):
    created = store.create_plan(sample)
    token = store.issue_device_token(created.plan_id)
    assert store.revoke_device_tokens(created.plan_id) == 1
    assert store.plan_for_device(token) is None
    assert store.step_for_device(token) == 0
    with pytest.raises(UnknownDeviceError):
        store.remember_step(token, 2)
    assert store.plan_for_device("made-up-token") is None
    assert store.plan_for_device("") is None
    assert store.open_by_code(created.code).plan_id == created.plan_id  # the code still works


# Deleting and listing -------------------------------------------------------------


def test_delete_removes_the_plan_its_history_and_devices_for_good(store, sample):
    gone = store.create_plan(sample)
    kept = store.create_plan(Plan(district=District(name="Lakeside")))
    store.save_answer(gone.plan_id, "q-priorities", "edited", 1)
    token = store.issue_device_token(gone.plan_id)
    store.delete_plan(gone.plan_id)
    for table in (entries, history, device_tokens):
        assert rows_of(store, table, gone.plan_id) == 0
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(plans).where(plans.c.id == gone.plan_id)).scalar() == 0
    with pytest.raises(UnknownCodeError):
        store.open_by_code(gone.code)
    assert store.plan_for_device(token) is None
    with pytest.raises(UnknownPlanError) as caught:
        store.save_answer(gone.plan_id, "q-priorities", "too late", 2)
    assert caught.value.plan_id == gone.plan_id
    with pytest.raises(UnknownPlanError):
        store.delete_plan(gone.plan_id)
    assert store.open_by_code(kept.code).plan.district.name == "Lakeside"


def test_list_shows_every_plan_newest_change_first_with_counts(store, sample):
    riverbend = store.create_plan(sample)
    lakeside = store.create_plan(Plan(district=District(name="Lakeside")))
    store.save_answer(lakeside.plan_id, "q-priorities", "Reading", 0)
    store.save_answer(lakeside.plan_id, "q-expertise", "", 0)  # cleared: not counted
    store.save_rating(lakeside.plan_id, "act-align-purpose", Rating(note="a note, no level yet"), 0)
    store.save_rating(lakeside.plan_id, "act-effectiveness-data", Rating(level="developing"), 0)
    summaries = store.list_plans()
    assert [s.plan_id for s in summaries] == [lakeside.plan_id, riverbend.plan_id]
    assert (summaries[0].district_name, summaries[0].answered, summaries[0].rated) == ("Lakeside", 1, 1)
    assert (summaries[1].answered, summaries[1].rated) == (len(sample.answers), len(sample.ratings))


def test_unknown_plan_ids_are_named_in_the_error(store):
    for call in (lambda: store.load("nope"), lambda: store.history("nope", "q:x"),
                 lambda: store.changed_since("nope", {}), lambda: store.issue_device_token("nope"),
                 lambda: store.save_rating("nope", "a", Rating(), 0)):
        with pytest.raises(UnknownPlanError) as caught:
            call()
        assert caught.value.plan_id == "nope"


# Where the database is ----------------------------------------------------------------


def test_without_database_url_plans_go_to_a_sqlite_file_in_the_data_folder(tmp_path, monkeypatch, sample):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("ROADMAP_DATA_DIR", str(tmp_path / "server-data"))
    store = Store()
    try:
        store.create_plan(sample)
    finally:
        store.close()
    assert (tmp_path / "server-data" / "roadmap.sqlite3").is_file()


@pytest.mark.parametrize("given", ["postgres://u:p@db.example/plans", "postgresql://u:p@db.example/plans",
                                   "postgresql+psycopg://u:p@db.example/plans"])
def test_postgresql_urls_use_psycopg(given):
    url = normalise_url(given)
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.database) == ("db.example", "plans")


def test_an_unreachable_database_is_named_without_its_password():
    with pytest.raises(DatabaseUnavailableError) as caught:
        Store("postgresql://planner:s3cret@127.0.0.1:1/plans")
    message = str(caught.value)
    assert message.startswith("Cannot reach the database at postgresql+psycopg://planner@127.0.0.1:1/plans: ")
    assert "s3cret" not in message


def test_an_in_memory_sqlite_database_is_refused():
    with pytest.raises(StoreError, match="SQLite file"):
        Store("sqlite://")


# The schema's version -------------------------------------------------------------


def test_a_new_database_records_its_schema_version(database_url):
    from roadmap.store import HEAD_REVISION, current_revision

    opened = Store(database_url)
    with opened.engine.connect() as conn:
        assert current_revision(conn) == HEAD_REVISION
    opened.close()
    Store(database_url).close()  # opening again changes nothing
    again = Store(database_url)
    with again.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    again.close()


def test_a_database_a_newer_planner_used_is_refused_in_plain_words(database_url, sample):
    from roadmap.store import HEAD_REVISION, SchemaTooNewError

    opened = Store(database_url)
    created = opened.create_plan(sample)
    with opened.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'a_newer_one'")
    opened.close()
    with pytest.raises(SchemaTooNewError, match="newer version of the planner") as refused:
        Store(database_url)
    assert "Update the planner" in str(refused.value)
    with opened.engine.begin() as conn:  # nothing was changed by the refusal
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{HEAD_REVISION}'")
    assert Store(database_url).load(created.plan_id).plan.district == sample.district


NEXT_REVISION = '''
from alembic import op

revision = "{revision}"
down_revision = "{previous}"


def upgrade():
    {step}
'''


def test_migrations_run_once_in_order_up_to_the_current_version(database_url, monkeypatch, tmp_path):
    import shutil

    from roadmap.store import HEAD_REVISION, migrate

    Store(database_url).close()  # a database at today's revision
    later = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, later, ignore=shutil.ignore_patterns("__pycache__"))
    steps = {"9001": (HEAD_REVISION, 'op.create_table("ran", sa.Column("step", sa.Text))'),
             "9002": ("9001", 'op.bulk_insert(sa.table("ran", sa.column("step")), [{"step": "first"}])'),
             "9003": ("9002", 'op.bulk_insert(sa.table("ran", sa.column("step")), [{"step": "second"}])')}
    for revision, (previous, step) in steps.items():
        (later / "versions" / f"{revision}_test.py").write_text(
            "import sqlalchemy as sa\n" + NEXT_REVISION.format(revision=revision, previous=previous, step=step))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", later)
    monkeypatch.setattr(migrate, "HEAD_REVISION", "9003")
    Store(database_url).close()
    Store(database_url).close()
    opened = Store(database_url)
    with opened.engine.connect() as conn:
        assert [r.step for r in conn.exec_driver_sql("SELECT step FROM ran")] == ["first", "second"]
        assert migrate.current_revision(conn) == "9003"
    opened.close()
