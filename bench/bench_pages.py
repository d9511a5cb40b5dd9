"""Page reruns: the heaviest wizard step and the review, against bare scripts with the same widgets.

Each page is driven by AppTest, as a browser would drive it: change one widget,
rerun, and time the rerun. A bare script drawing the same widgets with the same
values, and running none of the planner's logic, is timed by the same harness;
the ratio is what the planner's own work adds to Streamlit's.

    python bench/bench_pages.py [--runs 200] [--rounds N]

With --rounds N the planner opens a sample plan of N rounds (stored, then opened by its code, as a team
returning for its next round would), every answer and rating carried forward and not yet reviewed: the
heaviest case for the step's review marks. The bare script is the same.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

try:
    from bench._common import ROOT, Figure, median, percentile, report
except ModuleNotFoundError:  # run as a script: bench/ is on sys.path, the repository is not yet
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench._common import ROOT, Figure, median, percentile, report

from streamlit.testing.v1 import AppTest  # noqa: E402

from roadmap.bank import Bank, load_bank  # noqa: E402
from roadmap.charts import build_readiness_figure  # noqa: E402
from roadmap.plan import Plan, progress  # noqa: E402
from roadmap.rounds import review_count  # noqa: E402
from roadmap.sample import sample_plan  # noqa: E402
from roadmap.scoring import score_areas  # noqa: E402

HEAVY_AREA = 4  # "Build strategically": 4 rated actions and 10 questions of every kind
OVERHEAD_TARGET = 1.3
REVIEW_TARGET_MS = 50.0
WARMUP = 5
TIMEOUT = 60


def _sidebar_spec(bank: Bank, plan: Plan) -> list[dict]:
    areas = progress(plan, bank)
    titles = ["Your team"] + [f"{n}. {a.title} ({p.done}/{p.total})" for n, (a, p) in
                              enumerate(zip(bank.areas, areas), start=1)] + ["Review and export"]
    return ([{"kind": "markdown", "label": "**Teacher leadership plan**"}, {"kind": "text", "label": plan.district.name},
             {"kind": "progress", "label": "80% answered and rated"}]
            + [{"kind": "button", "label": t} for t in titles]
            + ([{"kind": "progress", "label": review_count(plan).label}] if review_count(plan).carried else [])
            + [{"kind": "markdown", "label": "[Team ratings: rate alone, then agree](#)"},
               {"kind": "expander", "label": "Resume code", "items": [
                   {"kind": "caption", "label": "Anyone with this code can open and edit the plan."},
                   {"kind": "code", "label": "K7QF-M2XR-9P"}]},
               {"kind": "divider", "label": ""},
               {"kind": "text_input", "label": "Your name (shown in the answer history)", "value": ""},
               {"kind": "caption", "label": "Saved 10:42 · every change is saved as you go"}])


def _question_spec(bank: Bank, plan: Plan, q) -> list[dict]:
    saved = plan.answers.get(q.id)
    label = f"**{q.text}**"
    spec: list[dict] = []
    if q.kind == "text":
        spec.append({"kind": "text_area", "label": label, "value": saved or "", "key": q.id})
    elif q.kind == "short_text":
        spec.append({"kind": "text_input", "label": label, "value": saved or ""})
    elif q.kind == "choice":
        spec.append({"kind": "radio", "label": label, "options": [o.id for o in q.options], "value": saved})
    elif q.kind in ("multi_choice", "domains"):
        items = [(d.id, d.title, d.gist) for d in bank.domains] if q.kind == "domains" else \
            [(o.id, o.label, "") for o in q.options]
        spec.append({"kind": "write", "label": label})
        for i, title, gist in items:
            spec.append({"kind": "checkbox", "label": title, "value": i in (saved or [])})
            if gist:
                spec.append({"kind": "caption", "label": gist})
    elif q.kind == "table":
        columns = [c.id for c in q.columns]
        rows = [{c: str(r.get(c, "")) for c in columns} for r in (saved or [])]
        spec += [{"kind": "markdown", "label": label},
                 {"kind": "table", "label": label, "columns": columns, "labels": [c.label for c in q.columns],
                  "rows": rows, "key": f"t-{q.id}"}]
    elif q.kind == "decision":
        saved = saved or {}
        spec.append({"kind": "radio", "label": label, "options": [p.id for p in q.poles],
                     "value": saved.get("pole"), "horizontal": True})
        spec.append({"kind": "text_area", "label": "Why, and which features sit on each side?",
                     "value": saved.get("rationale", "")})
    if q.help:
        spec.append({"kind": "caption", "label": q.help})
    source = bank.sources_by_id.get(q.source)
    if source is not None and not source.own:
        spec.append({"kind": "caption", "label": source.label})
    return spec


def _review_mark(plan: Plan, key: str) -> list[dict]:
    """Under an answer or rating carried into this round and not yet reviewed: a caption and "Still true"."""
    if key not in plan.round.unreviewed:
        return []
    return [{"kind": "caption", "label": ":material/history: Not yet reviewed this round: confirm it, or change it above."},
            {"kind": "button", "label": "Still true"}]


def _area_spec(bank: Bank, plan: Plan, number: int) -> list[dict]:
    """Return the elements step `number` draws, with the values plan gives its widgets."""
    area = bank.areas[number - 1]
    # What the planner shows above every step: the step bar (where you are, when it was saved, the progress,
    # a step list for phones) and, until answered, who is working on this device.
    spec: list[dict] = [{"kind": "stepbar", "label": f"**{number}. {area.title}** · step {number + 1} of 6"},
                        {"kind": "whoform", "label": "Who is working on this device? Your name (optional)"},
                        {"kind": "write", "label": area.summary},
                        {"kind": "subheader", "label": "Readiness on the high-impact actions"},
                        {"kind": "caption", "label": "The report's high-impact actions for this area."}]
    for action in area.actions:
        rating = plan.ratings.get(action.id)
        source = bank.sources_by_id.get(action.source)
        spec.append({"kind": "group", "label": "", "items": [
            {"kind": "radio", "label": f"Readiness: {action.text}", "options": [lv.id for lv in bank.levels],
             "captions": [lv.descriptor for lv in bank.levels], "value": rating.level if rating else None,
             "horizontal": True}]
            + ([{"kind": "caption", "label": source.label}] if source is not None and not source.own else [])
            + [{"kind": "text_input", "label": "Evidence or note (optional)", "value": rating.note if rating else ""}]
            + _review_mark(plan, f"r:{action.id}")})
    spec.append({"kind": "subheader", "label": "Questions"})
    spec += [{"kind": "group", "label": "", "items": _question_spec(bank, plan, q) + _review_mark(plan, f"q:{q.id}")}
             for q in area.questions]
    return spec + [{"kind": "divider", "label": ""}, {"kind": "back_next", "label": ""}]


# The bare app's drawing code lives in a module, as the planner's does in ui/: Streamlit
# rewrites (magic) and compiles the page script on every AppTest run, not imported modules.
BARE_MODULE = '''
import pandas as pd
import streamlit as st

SPEC = {spec!r}
SIDEBAR = {sidebar!r}


def draw(items, prefix):
    for n, item in enumerate(items):
        key, kind, label = item.get("key") or f"{prefix}{n}", item["kind"], item["label"]
        if kind == "button":
            st.button(label, key=key, width="stretch")
        elif kind == "text_input":
            st.session_state.setdefault(key, item["value"])
            st.text_input(label, key=key, max_chars=100_000)
        elif kind == "text_area":
            st.session_state.setdefault(key, item["value"])
            st.text_area(label, key=key, max_chars=100_000, height=160)
        elif kind == "radio":
            st.session_state.setdefault(key, item["value"])
            st.radio(label, item["options"], index=None, key=key, captions=item.get("captions"),
                     horizontal=item.get("horizontal", False))
        elif kind == "checkbox":
            st.session_state.setdefault(key, item["value"])
            st.checkbox(label, key=key)
        elif kind == "stepbar":
            with st.container():
                st.markdown(label)
                st.markdown(":material/cloud_done: Saved 10:42 · every change is saved as you go")
                st.progress(0.8, text="80% of the plan answered and rated")
                st.selectbox("Go to step", list(range(6)), index=4, key=key)
        elif kind == "whoform":
            with st.form(key, border=True):
                st.text_input(label, key=key + "name", max_chars=80)
                st.caption("Shown beside your changes in the version history, so the team knows who wrote what.")
                with st.container(horizontal=True):
                    st.form_submit_button("Save my name", type="primary")
                    st.form_submit_button("Not now")
        elif kind == "table":  # as ui/tables.py draws a table question: three expanders drawn only when open
            labels = item["labels"]
            with st.expander("Add a row", key=key + "addopen", expanded=not item["rows"], icon=":material/add:",
                             on_change="rerun") as adding:
                if adding.open:
                    with st.form(key + "form", border=False):
                        for start in range(0, len(labels), 2):
                            for place, column in zip(st.columns(2), labels[start:start + 2]):
                                place.text_input(column, key=key + "cell" + column, max_chars=100_000)
                        st.form_submit_button("Add row", type="primary")
            with st.container(key=key + "rows"):
                if item["rows"]:
                    st.table(pd.DataFrame([[r[c] for c in item["columns"]] for r in item["rows"]], columns=labels,
                                          index=[str(n + 1) for n in range(len(item["rows"]))]))
                    st.html("<style>@media (max-width: 640px) { "  # each cell's label on a phone's card
                            + "".join(f'.st-key-{key}rows td:nth-of-type({n}):before {{ content: "{c}"; }}'
                                      for n, c in enumerate(labels, start=1)) + " }</style>")
                else:
                    st.caption("No rows yet.")
            if item["rows"]:
                with st.expander("Change or delete a row", key=key + "changeopen", icon=":material/edit:",
                                 on_change="rerun") as changing:
                    if changing.open:
                        with st.container(horizontal=True, vertical_alignment="bottom"):
                            picked = st.selectbox("Row to change or delete", list(range(len(item["rows"]))),
                                                  index=None, key=key + "pick", width=320)
                            st.button("Change this row", key=key + "change", disabled=picked is None)
                            st.button("Delete this row", key=key + "delete", disabled=picked is None)
            with st.expander("Paste rows from a spreadsheet", key=key + "pasteopen", icon=":material/content_paste:",
                             on_change="rerun") as paste:
                if paste.open:
                    with st.form(key + "paste", border=False):
                        st.text_area("Rows copied from a spreadsheet", key=key + "pastebox", height=120)
                        st.form_submit_button("Add the pasted rows")
        elif kind == "write":
            st.write(label)
        elif kind == "caption":
            st.caption(label)
        elif kind == "text":
            st.text(label)
        elif kind == "success":
            st.success(label)
        elif kind == "code":
            st.code(label, language=None)
        elif kind == "subheader":
            st.subheader(label)
        elif kind == "divider":
            st.divider()
        elif kind == "progress":
            st.progress(0.8, text=label)
        elif kind == "group":
            with st.container(border=True):
                draw(item["items"], key + "_")
        elif kind == "expander":
            with st.expander(label):
                draw(item["items"], key + "_")
        elif kind == "back_next":
            back, _, forward = st.columns([2, 1, 2])
            back.button("Back", key=key + "b", width="stretch")
            forward.button("Next", key=key + "n", type="primary", width="stretch")
        elif kind == "markdown":
            st.markdown(label)
        elif kind == "chart":
            st.plotly_chart(item["figure"], config={"displayModeBar": False})
        elif kind == "frame":
            st.dataframe(pd.DataFrame(item["rows"]), hide_index=True, width="stretch")
        elif kind == "static_table":
            st.table(pd.DataFrame(item["rows"]).set_index(item["index"]))
        elif kind == "download":
            st.download_button(label, data=item["data"], key=key, on_click="ignore")
        elif kind == "selectbox":
            st.selectbox(label, item["options"], index=None, key=key)
'''

BARE_SCRIPT = '''
import sys

import streamlit as st

if {folder!r} not in sys.path:
    sys.path.insert(0, {folder!r})
from {module} import SIDEBAR, SPEC, draw

st.set_page_config(page_title="Riverbend Unified School District · Teacher leadership plan")
st.html("<style>[data-testid=stCaptionContainer] {{ color: #5c6269; }}</style>")  # the planner's page style
status_line = st.empty()
st.header({header!r})
draw(SPEC, "m")
with st.sidebar:
    draw(SIDEBAR, "s")
status_line.caption("Riverbend Unified School District · Saved 10:42 · every change is saved as you go")
'''


def _review_spec(bank: Bank, plan: Plan) -> list[dict]:
    """Return the elements the review draws for plan, with its chart and tables computed beforehand."""
    scores = score_areas(plan, bank)
    figure = build_readiness_figure(scores, bank).to_plotly_json()
    figure = json.loads(json.dumps(figure, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o)))
    by_action = []
    for area in bank.areas:
        by_action.append({"kind": "markdown", "label": f"**{area.title}**"})
        by_action.append({"kind": "frame", "label": "", "rows": [
            {"Action": a.text, "Level": (plan.ratings.get(a.id).level if plan.ratings.get(a.id) else ""),
             "Evidence or note": (plan.ratings.get(a.id).note if plan.ratings.get(a.id) else "")}
            for a in area.actions]})
    choose = [{"kind": "checkbox", "label": f"section {n}", "value": True} for n in range(6)]
    choose.append({"kind": "radio", "label": "Questions not answered yet", "options": ["show", "omit"],
                   "value": "show", "horizontal": True, "key": "unanswered"})
    return [
        {"kind": "subheader", "label": "Readiness by area"},
        {"kind": "chart", "label": "", "figure": figure},
        {"kind": "static_table", "label": "", "index": "Area",
         "rows": [{"Area": s.title, "Actions rated": f"{s.rated} of {s.actions}",
                   "Mean level (1-4)": s.mean_label, "Readiness": s.label} for s in scores]},
        {"kind": "caption", "label": "A self-assessment by the planning team."},
        {"kind": "expander", "label": "Ratings action by action", "items": by_action},
        {"kind": "subheader", "label": "Still to do"},
        {"kind": "success", "label": "Every question is answered and every action rated."},
        {"kind": "subheader", "label": "Download"},
        {"kind": "group", "label": "", "items": [
            {"kind": "markdown", "label": "**Teacher leadership plan (Word)**"},
            {"kind": "caption", "label": "For the school board."},
            {"kind": "expander", "label": "Choose what goes in", "items": choose},
            {"kind": "download", "label": "Download the plan (.docx)", "data": b"docx"}]},
        {"kind": "download", "label": "Plan file (.json)", "data": plan.to_json()},
        {"kind": "download", "label": "Blank workshop template (.docx)", "data": b"docx"},
        {"kind": "subheader", "label": "Version history"},
        {"kind": "caption", "label": "Every earlier version of every answer is kept."},
        {"kind": "selectbox", "label": "Question", "options": [q.id for a in bank.areas for q in a.questions]},
        {"kind": "expander", "label": "Delete this plan", "items": [
            {"kind": "write", "label": "Deleting removes the plan."},
            {"kind": "checkbox", "label": "I understand this cannot be undone", "value": False},
            {"kind": "button", "label": "Delete the plan for good"}]},
        {"kind": "divider", "label": ""},
        {"kind": "back_next", "label": ""},
    ]


def _time_pair(pages: list[tuple[AppTest, object]], runs: int) -> list[list[float]]:
    """Return, for each (page, change), the seconds each of `runs` reruns took after change(page, n).

    The pages take turns, rerun by rerun, so a busy moment on the machine falls on
    both alike and the ratio between them holds even when the times wander.
    """
    times: list[list[float]] = [[] for _ in pages]
    for n in range(WARMUP + runs):
        for (at, change), page_times in zip(pages, times):
            change(at, n)
            start = time.perf_counter()
            at.run()
            elapsed = time.perf_counter() - start
            if at.exception:
                raise RuntimeError(f"the page failed: {at.exception[0].value}")
            if n >= WARMUP:
                page_times.append(elapsed)
    return times


def _bare_app(spec: list[dict], sidebar: list[dict], header: str, folder: Path) -> AppTest:
    module = f"bare_spec_{len(list(folder.iterdir()))}"
    (folder / f"{module}.py").write_text(BARE_MODULE.replace("{spec!r}", repr(spec)).replace("{sidebar!r}", repr(sidebar)),
                                         encoding="utf-8")
    page = folder / f"{module}_page.py"
    page.write_text(BARE_SCRIPT.format(folder=str(folder), module=module, header=header), encoding="utf-8")
    # Shaped like the planner: an entry point that only declares its one page, which Streamlit runs.
    path = folder / f"{module}_app.py"
    path.write_text(f"import streamlit as st\n\nst.navigation([st.Page({page.name!r})], position='hidden').run()\n",
                    encoding="utf-8")
    return AppTest.from_file(str(path), default_timeout=TIMEOUT).run()


def _planner_on_step(step: int, code: str | None = None) -> AppTest:
    """Return the real app with the sample plan open on step (or the stored plan of that resume code)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    if code is None:
        next(b for b in at.button if b.label == "Open the sample plan").click()
    else:
        at.text_input(key="_resume:code").input(code)
        next(b for b in at.button if b.label == "Open the plan").click()
    at.run()
    at.button(key=f"_nav:{step}").click()
    at.run()
    if at.exception:
        raise RuntimeError(f"the planner failed: {at.exception[0].value}")
    return at


def _text_change(key_of):
    def change(at: AppTest, n: int) -> None:
        at.text_area(key=key_of(at)).input(f"Edited answer, version {n}")
    return change


def run(runs: int = 200, rounds: int = 1) -> list[Figure]:
    bank = load_bank()
    plan = sample_plan(bank, rounds=rounds) if rounds > 1 else sample_plan(bank)  # the bare pages show the same
    area = bank.areas[HEAVY_AREA - 1]
    question = next(q for q in area.questions if q.kind == "text")
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        os.environ["DATABASE_URL"] = f"sqlite:///{folder_path / 'roadmap.sqlite3'}"
        code = None
        if rounds > 1:
            from roadmap.store import Store

            store = Store(os.environ["DATABASE_URL"])
            code = store.create_plan(plan, who="bench").code
            store.close()

        def widget(at: AppTest) -> str:
            return f"_w{at.session_state['widget_gen']}:{question.id}"

        planner = _planner_on_step(HEAVY_AREA, code)
        bare = _bare_app(_area_spec(bank, plan, HEAVY_AREA), _sidebar_spec(bank, plan),
                         f"{HEAVY_AREA}. {area.title}", folder_path)
        area_times, bare_area_times = _time_pair(
            [(planner, _text_change(widget)), (bare, _text_change(lambda at: question.id))], runs)

        def toggle(key: str):
            def change(at: AppTest, n: int) -> None:
                at.radio(key=key).set_value("omit" if n % 2 else "show")
            return change

        review = _planner_on_step(len(bank.areas) + 1, code)
        bare_review = _bare_app(_review_spec(bank, plan), _sidebar_spec(bank, plan), "Review and export", folder_path)
        review_times, bare_review_times = _time_pair(
            [(review, toggle("_doc:unanswered")), (bare_review, toggle("unanswered"))], runs)

    area_ms, bare_area_ms = median(area_times) * 1000, median(bare_area_times) * 1000
    review_ms, bare_review_ms = median(review_times) * 1000, median(bare_review_times) * 1000
    ratio = area_ms / bare_area_ms
    of = f", a plan of {rounds} rounds" if rounds > 1 else ""
    return report(f"Page reruns (AppTest, median of {runs} after a widget change{of})", [
        Figure(f"step {HEAVY_AREA} ({area.title}), planner", area_ms, "ms"),
        Figure(f"step {HEAVY_AREA}, bare script with the same widgets", bare_area_ms, "ms"),
        Figure(f"step {HEAVY_AREA}, overhead ratio", ratio, "x", f"<= {OVERHEAD_TARGET}x", ratio <= OVERHEAD_TARGET),
        Figure(f"step {HEAVY_AREA}, p95 planner", percentile(area_times, 95) * 1000, "ms"),
        Figure("review, planner", review_ms, "ms", f"< {REVIEW_TARGET_MS:.0f} ms", review_ms < REVIEW_TARGET_MS),
        Figure("review, bare script with the same widgets", bare_review_ms, "ms"),
        Figure("review, overhead ratio", review_ms / bare_review_ms, "x"),
        Figure("review, p95 planner", percentile(review_times, 95) * 1000, "ms"),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1, help="open a sample plan of this many rounds")
    args = parser.parse_args(argv)
    figures = run(args.runs, args.rounds)
    return 0 if all(f.holds is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
