"""One visitor must not be able to hurt everyone else on a shared server: hostile uploads, oversized plans and
table edits are refused quickly with a short plain message, and nothing already saved changes (issue #11)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import time
import tracemalloc

import pytest

from roadmap.bank import MAX_BANK_NODES, BankError, load_bank_text
from roadmap.bounded import check_bank_upload
from roadmap.plan import MAX_PLAN_ENTRIES, District, Plan, PlanFileError, plan_from_json
from roadmap.session import PlanSession
from roadmap.store import Store
from roadmap.workshop import build_heatmap, dashboard_rows

from .apptest_helpers import (  # noqa: F401
    as_read, button, click, database_url, form_button, key, new_app, open_paste, run, start_plan,
)
from .conftest import BANK_TEXT, ROOT

PASSPHRASE = "blue heron at the lake"
#: A link and a remote image, as someone might hide them in a file's key or a bank's help text.
MARKDOWN_TRAP = "[click](https://evil.example/x) ![pixel](https://evil.example/p.png) **loud**"
HTML_TRAP = '<a href="https://evil.example">Riverbend</a> <b>bold</b> <img src=x onerror=alert(1)> & co'


def alias_bomb(levels: int) -> str:
    """A bank whose question kind is an alias that stands for 10**levels values (the "billion laughs")."""
    lines = ["l0: &l0 [x,x,x,x,x,x,x,x,x,x]"]
    for n in range(1, levels):
        lines.append(f"l{n}: &l{n} [" + ",".join([f"*l{n - 1}"] * 10) + "]")
    return BANK_TEXT.replace("    kind: text\n", f"    kind: *l{levels - 1}\n", 1) + "\n" + "\n".join(lines) + "\n"


def measured(call):
    """Return (result or exception, seconds, peak MB of Python allocations) of call()."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = call()
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome under test
        outcome = exc
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return outcome, seconds, peak


def saves_during(session: PlanSession, flood: list, pause: float = 0.05, at_least: int = 5):
    """Save an answer every `pause` seconds while the flood's functions run in threads (at least
    `at_least` saves); return (failures, seconds each save took, the last version saved)."""
    threads = [threading.Thread(target=f) for f in flood]
    for thread in threads:
        thread.start()
    failures, waits, n = [], [], 0
    while any(t.is_alive() for t in threads) or n < at_least:
        started = time.perf_counter()
        try:
            session.answer("q-priorities", f"Version {n}")
        except Exception as exc:  # noqa: BLE001 - any failure is what the tests look for
            failures.append(exc)
        waits.append(time.perf_counter() - started)
        n += 1
        time.sleep(pause)
    for thread in threads:
        thread.join()
    return failures, waits, f"Version {n - 1}"


# Question banks ------------------------------------------------------------------------------------


def test_an_alias_bomb_bank_is_refused_in_under_two_seconds_and_200_mb():
    outcome, seconds, peak = measured(lambda: load_bank_text(alias_bomb(9), "bomb.yaml"))
    assert isinstance(outcome, BankError)
    assert seconds < 2 and peak < 200, (seconds, peak)
    [problem] = outcome.problems
    assert "anchors and aliases" in problem.message and len(str(problem)) < 300


def test_check_bank_refuses_an_alias_bomb_in_one_short_line(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(9), encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "roadmap", "check-bank", str(path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert time.perf_counter() - started < 10
    assert done.returncode == 1
    assert "anchors and aliases" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr and len(done.stdout + done.stderr) < 600


def test_a_bank_of_too_many_values_is_refused_before_it_is_all_read():
    flat = "x: [" + ",".join(["abc"] * 400_000) + "]\n"
    outcome, seconds, _ = measured(lambda: load_bank_text(flat, "big.yaml"))
    assert isinstance(outcome, BankError) and f"more than {MAX_BANK_NODES:,} values" in str(outcome)
    assert seconds < 5


def test_a_bank_message_quotes_only_a_short_excerpt_of_a_huge_value():
    huge_kind = "k" * 1_000_000
    outcome = pytest.raises(BankError, load_bank_text, BANK_TEXT.replace("kind: text", f"kind: {huge_kind}", 1))
    message = str(outcome.value)
    assert "must be one of text" in message and len(message) < 400


def test_a_bank_with_thousands_of_mistakes_lists_the_first_fifty():
    areas = "\n".join(f"  - id: a{n}\n    title: A\n    summary: S\n    typo{n}: x" for n in range(300))
    broken = BANK_TEXT.split("areas:")[0] + "areas:\n" + areas + "\n"
    with pytest.raises(BankError) as refused:
        load_bank_text(broken)
    assert len(refused.value.problems) == 51
    assert refused.value.problems[-1].message == "and 250 more problems (fix these first)"


def test_an_uploaded_bank_is_checked_in_a_bounded_child_process_with_the_same_answer(bank):
    assert check_bank_upload(BANK_TEXT, "questions.yaml") == bank
    outcome, seconds, _ = measured(lambda: check_bank_upload(alias_bomb(9), "bomb.yaml"))
    assert isinstance(outcome, BankError) and "anchors and aliases" in str(outcome)
    assert seconds < 5


def test_the_facilitator_page_refuses_an_alias_bomb_bank_with_a_short_message(database_url):
    at = new_app()
    at.switch_page("app_pages/facilitator.py")
    run(at)
    at.text_input(key="_fac:new:name").input("Spring Institute")
    at.text_area(key="_fac:new:names").input("Riverbend")
    at.file_uploader(key="_fac:new:bank").set_value(("bomb.yaml", alias_bomb(9).encode(), "application/x-yaml"))
    at.text_input(key="_fac:new:pass").input(PASSPHRASE)
    at.text_input(key="_fac:new:again").input(PASSPHRASE)
    started = time.perf_counter()
    button(at, "Set up the workshop").click()
    run(at)
    assert time.perf_counter() - started < 10
    assert not at.exception
    [error] = at.error
    assert "anchors and aliases" in as_read(error.value) and len(error.value) < 600
    assert Store(database_url).list_workshops() == []


# Plan files ----------------------------------------------------------------------------------------


def plan_file(**changes) -> bytes:
    raw = json.loads(Plan(district=District(name="Riverbend")).to_json())
    raw.update(changes)
    return json.dumps(raw, separators=(",", ":")).encode()


def test_a_plan_file_of_700000_answers_is_refused_in_under_five_seconds():
    content = plan_file(answers={f"q{n:06}": "" for n in range(700_000)})
    assert 9_000_000 < len(content) < 10_000_000  # under the 10 MB a plan file may be
    outcome, seconds, _ = measured(lambda: plan_from_json(content))
    assert isinstance(outcome, PlanFileError)
    assert str(outcome) == f"This plan has 700,000 answers; a plan holds at most {MAX_PLAN_ENTRIES:,}."
    assert seconds < 5


@pytest.mark.parametrize("changes, expected", [
    ({"ratings": {f"a{n}": {"level": None} for n in range(300_000)}}, "300,000 ratings"),
    ({"answers": {"q" * 9_800_000: "x"}}, "9,800,000 characters long; the limit is 200"),
    ({"answers": {"q-tight-loose": {f"k{n}": "" for n in range(640_000)}}}, "holds only \"pole\" and \"rationale\""),
    ({"answers": {"q-measures": [{f"c{n}": "" for n in range(1_000)}]}}, "row of 1,000 columns; the limit is 50"),
    ({"district": {"name": "Riverbend", "team": [{"name": f"M{n}"} for n in range(61)]}}, "61 members; a plan can list at most 60"),
])
def test_oversized_parts_of_a_plan_file_are_refused_naming_the_limit(changes, expected):
    with pytest.raises(PlanFileError) as refused:
        plan_from_json(plan_file(**changes))
    assert expected in str(refused.value) and len(str(refused.value)) < 300


def test_plans_import_and_export_refuse_an_oversized_plan_in_one_plain_line(tmp_path):
    path = tmp_path / "huge.json"
    path.write_bytes(plan_file(answers={f"{n:x}": "" for n in range(5_000)}))
    for command in (["plans", "import", str(path), "--database", f"sqlite:///{tmp_path / 'db.sqlite3'}"],
                    ["export", str(path), "--out", str(tmp_path / "out.docx")]):
        done = subprocess.run([sys.executable, "-m", "roadmap", *command], capture_output=True, text=True,
                              cwd=ROOT, timeout=120)
        assert done.returncode == 1, command
        assert done.stderr.strip().count("\n") == 0 and "a plan holds at most 2,000" in done.stderr, done.stderr
        assert not (tmp_path / "out.docx").exists()


def test_a_plan_file_error_that_quotes_a_key_shows_it_as_text_not_a_link(database_url):
    at = new_app().run()
    at.file_uploader(key="_upload").set_value(("plan.json", plan_file(**{MARKDOWN_TRAP: 1}), "application/json"))
    at.run()
    click(at, "Open this plan file")
    [error] = at.error
    assert "problem at" in error.value
    assert "](" not in error.value.replace("\\]\\(", "") and "\\[click\\]" in error.value
    assert "[click](https://evil.example/x)" in as_read(error.value)


def test_a_large_valid_plan_imports_while_another_team_keeps_saving(tmp_path, bank):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    store = Store(url)
    other = store.create_plan(Plan(district=District(name="Lakeside")))
    session = PlanSession.open(store, bank, other.plan_id)
    big = Plan(district=District(name="Riverbend"),
               answers={f"q-extra-{n}": "w" * 4_000 for n in range(MAX_PLAN_ENTRIES)})  # 8 MB, the most allowed
    failures, _, last = saves_during(session, [lambda: Store(url).create_plan(big)], pause=0.02)
    assert failures == []
    assert store.load(other.plan_id).plan.answers["q-priorities"] == last
    assert len([p for p in store.list_plans() if p.district_name == "Riverbend"]) == 1


# Table editors and the team table -----------------------------------------------------------------


@pytest.mark.parametrize("members, expected", [(61, "61 members; a plan can list at most 60"),
                                                (5_000, "at most 200 rows")])
def test_a_team_table_of_61_members_on_the_start_page_is_refused_in_plain_words(database_url, members, expected):
    at = new_app().run()
    at.text_input(key="_new:name").input("Riverbend")
    at.session_state["_new_team"] = {"edited_rows": {}, "deleted_rows": [],
                                     "added_rows": [{"name": f"Member {n}", "role": ""} for n in range(members)]}
    started = time.perf_counter()
    click(at, "Start the plan")
    assert time.perf_counter() - started < 10
    assert not at.exception
    assert any(expected in e.value for e in at.error), [e.value for e in at.error]
    assert Store(database_url).list_plans() == []


def test_5000_rows_pasted_into_a_table_are_refused_quickly_in_plain_words(database_url):
    at = start_plan(new_app(), "Riverbend")
    at.button(key="_nav:3").click()
    run(at)
    open_paste(at, "q-measures")
    at.text_area(key=key(at, "q-measures", "paste")).input("".join(f"M{n}\t1\t2\n" for n in range(5_000)))
    started = time.perf_counter()
    form_button(at, "q-measures", "Add the pasted rows").click()
    run(at)
    assert time.perf_counter() - started < 10
    assert any("at most 200 rows" in e.value for e in at.error)
    plan = Store(database_url).list_plans()[0]
    assert "q-measures" not in Store(database_url).load(plan.plan_id).plan.answers


# Literal text ---------------------------------------------------------------------------------------


def test_hostile_team_names_are_literal_in_the_heat_map(tmp_path, bank):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    created = store.create_workshop("Spring", PASSPHRASE, [HTML_TRAP, "Lakeside"], day=dt.date(2026, 3, 14))
    from roadmap.workshop import progress_groups

    rows = dashboard_rows(bank, store.workshop_progress(created.workshop.workshop_id, progress_groups(bank)),
                          dt.datetime.now(dt.timezone.utc))
    figure = build_heatmap(bank, rows)
    labels = list(figure.data[0].y)
    shown = next(label for label in labels if "Riverbend" in label)
    assert "<a" not in shown and "<b>" not in shown and "<img" not in shown
    assert shown.endswith("&lt;a href=\"https://evil.example\"&gt;Riverbend&lt;/a&gt; &lt;b&gt;bold&lt;/b&gt; "
                          "&lt;img src=x onerror=alert(1)&gt; &amp; co")


def test_a_workshop_banks_help_and_summary_reach_team_pages_as_text(database_url):
    hostile = BANK_TEXT.replace("summary: >-\n      Work out", f"summary: >-\n      {MARKDOWN_TRAP} Work out", 1)
    hostile = hostile.replace("could move each one.", f"could move each one. {MARKDOWN_TRAP}", 1)
    load_bank_text(hostile)  # a valid bank
    store = Store(database_url)
    created = store.create_workshop("Spring", PASSPHRASE, ["Riverbend"], bank_yaml=hostile)
    at = new_app().run()
    at.text_input(key="_resume:code").input(created.teams[0].code)
    click(at, "Open the plan")
    at.button(key="_nav:1").click()
    run(at)
    shown = [e.value for kind in (at.markdown, at.caption) for e in kind]
    trapped = [v for v in shown if "evil.example" in as_read(v)]
    assert len(trapped) >= 2  # the area's summary and the question's help
    for value in trapped:
        assert "](" not in value.replace("\\]\\(", "") and "**" not in value.replace("\\*\\*", ""), value
        assert MARKDOWN_TRAP in as_read(value)


# Who is asking, and one try at a time ---------------------------------------------------------------


def test_the_client_address_is_read_from_x_forwarded_for_only_behind_a_trusted_proxy():
    from roadmap.guard import client_address, trusted_proxies

    proxies = trusted_proxies("127.0.0.1, 10.0.0.0/8, not an address")
    assert client_address("127.0.0.1", "203.0.113.9", proxies) == "203.0.113.9"
    # A client may write anything on the left; the right-most address the proxies did not add is the client.
    assert client_address("10.1.2.3", "1.1.1.1, 203.0.113.9, 10.0.0.5", proxies) == "203.0.113.9"
    assert client_address("198.51.100.7", "203.0.113.9", proxies) == "198.51.100.7"  # not a proxy: forged
    assert client_address("127.0.0.1", "203.0.113.9", []) == "127.0.0.1"  # no proxies declared
    assert client_address("127.0.0.1", "<script>", proxies) == "127.0.0.1"
    assert client_address(None, None, proxies) == "unknown"


def test_a_client_with_a_try_under_way_is_refused_at_once_and_others_are_not():
    from roadmap.guard import BusyError, ClientGate

    gate = ClientGate("Wait for the answer to your last try.")
    with gate.one_at_a_time("203.0.113.9"):
        with pytest.raises(BusyError, match="Wait for the answer"):
            with gate.one_at_a_time("203.0.113.9"):
                pass
        with gate.one_at_a_time("198.51.100.7"):
            pass
    with gate.one_at_a_time("203.0.113.9"):  # free again once the first try is answered
        pass


def test_at_most_two_slow_checks_run_at_once_and_the_rest_are_refused_after_a_wait():
    from roadmap.guard import BusyError, CheckSlots

    slots = CheckSlots(at_once=2, queue_seconds=0.2)
    with slots.slot(), slots.slot():
        started = time.perf_counter()
        with pytest.raises(BusyError, match="try again in a few seconds"):
            with slots.slot():
                pass
        assert 0.15 < time.perf_counter() - started < 2
    with slots.slot():
        pass


# Sign-in floods and code guessing -------------------------------------------------------------------


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def test_twenty_parallel_wrong_passphrases_leave_a_teams_saves_quick(tmp_path, bank):
    from roadmap.store import WorkshopAccessError

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    store = Store(url, sleep=time.sleep)
    created = store.create_workshop("Spring", PASSPHRASE, ["Riverbend"], day=dt.date(2026, 3, 14))
    session = PlanSession.open(store, bank, created.teams[0].team.plan_id)
    refused = []

    def guess(n: int) -> None:
        for attempt in range(3):
            try:
                store.open_workshop(created.code, f"wrong passphrase {n} {attempt}", client=f"203.0.113.{n}")
            except WorkshopAccessError:
                refused.append(n)
            except Exception as exc:  # noqa: BLE001 - a TryLaterError counts as refused too
                refused.append(type(exc).__name__)

    failures, waits, _ = saves_during(session, [lambda n=n: guess(n) for n in range(20)], at_least=10)
    assert failures == []
    assert len(refused) == 60
    assert _p95(waits) < 1.0, sorted(waits)[-5:]


def test_many_sessions_from_one_client_get_one_passphrase_check_at_a_time(tmp_path):
    from roadmap.store import TryLaterError, WorkshopAccessError

    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}", sleep=lambda s: time.sleep(0.3))
    created = store.create_workshop("Spring", PASSPHRASE, ["Riverbend"], day=dt.date(2026, 3, 14))
    outcomes = []

    def guess(n: int) -> None:
        try:
            store.open_workshop(created.code, f"wrong passphrase {n}", client="198.51.100.7")
        except (TryLaterError, WorkshopAccessError) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("WorkshopAccessError") < 4 and outcomes.count("TryLaterError") > 6, outcomes
    assert store.open_workshop(created.code, PASSPHRASE, client="198.51.100.7").name == "Spring"


def test_a_passphrase_hashed_with_older_settings_is_hashed_anew_on_sign_in(tmp_path):
    from argon2 import PasswordHasher
    from sqlalchemy import select, update

    from roadmap.store import workshops

    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    created = store.create_workshop("Spring", PASSPHRASE, ["Riverbend"], day=dt.date(2026, 3, 14))
    old = PasswordHasher().hash(PASSPHRASE)  # the library's defaults, as workshops made before #11 have
    with store.engine.begin() as conn:
        conn.execute(update(workshops).values(passphrase_hash=old))
    assert store.open_workshop(created.code, PASSPHRASE).name == "Spring"
    with store.engine.begin() as conn:
        fresh = conn.execute(select(workshops.c.passphrase_hash)).scalar()
    assert fresh != old and "m=19456,t=2,p=1" in fresh
    assert store.open_workshop(created.code, PASSPHRASE).name == "Spring"


def test_one_client_cannot_have_two_code_tries_waiting_at_once(tmp_path, sample):
    from roadmap.store import TryLaterError, UnknownCodeError

    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}", sleep=lambda s: time.sleep(0.3))
    created = store.create_plan(sample)
    wrong = "2222-2222-22" if created.code != "2222-2222-22" else "3333-3333-33"
    outcomes = []

    def guess() -> None:
        try:
            store.open_by_code(wrong, client="198.51.100.7")
        except (TryLaterError, UnknownCodeError) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=guess) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("UnknownCodeError") < 4 and outcomes.count("TryLaterError") > 6, outcomes


def test_a_workshop_has_at_most_100_teams(tmp_path):
    from roadmap.store import StoreError

    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with pytest.raises(StoreError, match="at most 100 teams"):
        store.create_workshop("Spring", PASSPHRASE, [f"Team {n}" for n in range(101)])
    created = store.create_workshop("Spring", PASSPHRASE, [f"Team {n}" for n in range(99)])
    with pytest.raises(StoreError, match="this would make 101"):
        store.add_teams(created.workshop.workshop_id, ["Late one", "Late two"])


# The device cookie ------------------------------------------------------------------------------------


def test_closing_the_plan_on_this_device_revokes_its_token_on_the_server(database_url):
    at = start_plan(new_app(), "Riverbend")
    token = at.session_state["device_token"]
    store = Store(database_url)
    assert store.plan_for_device(token) is not None
    at.switch_page("app_pages/start.py")
    run(at)
    click(at, "Close this plan on this device")
    assert store.plan_for_device(token) is None  # a copy of the cookie opens nothing now


# The server's secret and a budget shared by every server ------------------------------------------------


def test_a_new_server_makes_its_secret_beside_its_sqlite_file_readable_by_it_alone(tmp_path, monkeypatch, sample):
    import stat

    from roadmap.codes import code_digest
    from roadmap.store import plans

    monkeypatch.delenv("ROADMAP_SECRET", raising=False)
    url = f"sqlite:///{tmp_path / 'roadmap.sqlite3'}"
    created = Store(url).create_plan(sample)
    key = tmp_path / "secret.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(bytes.fromhex(key.read_text())) == 32
    again = Store(url)  # a restart reads the same secret: the code still opens the plan
    assert again.open_by_code(created.code).plan_id == created.plan_id
    with again.engine.connect() as conn:
        assert code_digest(created.code) not in {r.code_hash for r in conn.execute(plans.select())}


def test_a_server_with_another_secret_refuses_the_database_in_one_line_and_changes_nothing(tmp_path, monkeypatch,
                                                                                          sample):
    from roadmap.store import SecretMismatchError

    url = f"sqlite:///{tmp_path / 'roadmap.sqlite3'}"
    monkeypatch.setenv("ROADMAP_SECRET", "a" * 40)
    created = Store(url).create_plan(sample)
    monkeypatch.setenv("ROADMAP_SECRET", "b" * 40)
    with pytest.raises(SecretMismatchError) as refused:
        Store(url)
    assert "\n" not in str(refused.value) and "same ROADMAP_SECRET" in str(refused.value)
    done = subprocess.run([sys.executable, "-m", "roadmap", "plans", "list", "--database", url],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 1 and "same ROADMAP_SECRET" in done.stderr and "Traceback" not in done.stderr
    monkeypatch.setenv("ROADMAP_SECRET", "short")
    with pytest.raises(Exception, match="at least 32 characters"):
        Store(url)
    monkeypatch.setenv("ROADMAP_SECRET", "a" * 40)
    assert Store(url).open_by_code(created.code).plan_id == created.plan_id


def test_the_budget_of_wrong_codes_is_shared_by_every_server_on_the_database(tmp_path, sample):
    from roadmap.codes import WRONG_CODES_PER_MINUTE
    from roadmap.store import UnknownCodeError

    url = f"sqlite:///{tmp_path / 'roadmap.sqlite3'}"
    waits: list[float] = []
    one, two = Store(url, sleep=waits.append), Store(url, sleep=waits.append)
    created = one.create_plan(sample)
    wrong = "2222-2222-22" if created.code != "2222-2222-22" else "3333-3333-33"
    for n in range(WRONG_CODES_PER_MINUTE):
        with pytest.raises(UnknownCodeError):
            (one if n % 2 else two).open_by_code(wrong, client=f"203.0.113.{n}")
    assert set(waits) == {0.5}
    with pytest.raises(UnknownCodeError):
        two.open_by_code(wrong, client="198.51.100.1")  # a fresh address on the second server
    assert waits[-1] == 5.0


# Honest storage messages -----------------------------------------------------------------------------


def _read_only(store: Store) -> None:
    """Make every new connection of store's read-only, as a database file the server cannot write is."""
    from sqlalchemy import event

    event.listen(store.engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA query_only=ON"))
    store.engine.dispose()


def test_a_read_only_database_says_so_in_plain_words_without_internal_ids(database_url):
    at = start_plan(new_app(), "Riverbend")
    session = at.session_state["plan_session"]
    _read_only(session.store)
    at.text_area(key=key(at, "q-priorities")).input("Typed while the database is read-only")
    run(at)
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "its database is read-only" in error and "Everything saved before is safe" in error
    assert session.plan_id not in error and "q:" not in error and "readonly" not in error
    assert at.text_area(key=key(at, "q-priorities")).value == "Typed while the database is read-only"


@pytest.mark.parametrize("driver, words", [
    ("attempt to write a readonly database", "read-only"),
    ("database or disk is full", "disk is full"),
    ("could not extend file \"base/16384/2619\": No space left on device", "disk is full"),
    ("disk I/O error", "a disk error"),
    ("UNIQUE constraint failed: plans.code_hash", None),
])
def test_storage_faults_are_told_apart_from_other_database_errors(driver, words):
    from roadmap.store.engine import storage_fault

    found = storage_fault(driver)
    assert (found is None) if words is None else (words in found)


def test_a_copied_device_cookie_opens_the_plan_but_never_shows_its_resume_code(database_url):
    first = start_plan(new_app(), "Riverbend")
    code = first.session_state["resume_code"]
    copied = new_app()
    copied.session_state["device_token"] = first.session_state["device_token"]  # what the cookie carries
    copied.run()
    copied.switch_page("app_pages/plan.py")
    run(copied)
    assert copied.session_state["plan_session"].plan.district.name == "Riverbend"
    shown = "\n".join([c.value for c in copied.sidebar.caption] + [c.value for c in copied.get("code")]
                      + [t.value for t in copied.text] + [m.value for m in copied.markdown])
    assert code not in shown and code.replace("-", "") not in shown
    assert any("shows only in the browser tab" in c.value for c in copied.sidebar.caption)
