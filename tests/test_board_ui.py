"""The review step's board panel in AppTest: the checkup's findings, each linking to its step, and the slides."""

from .apptest_helpers import button, database_url, go_to, new_app, run, start_plan  # noqa: F401


def test_the_sample_plan_passes_the_checkup_and_offers_the_slides(database_url):
    at = run(new_app())
    button(at, "Open the sample plan").click()
    run(at)
    assert "Nothing flagged: the plan hangs together." in [s.value for s in at.success]
    assert "Download the slides (.pptx)" in [d.label for d in at.get("download_button")]


def test_a_finding_names_its_question_and_opens_its_step(database_url, bank):
    at = start_plan(new_app())
    go_to(at, len(bank.areas) + 1)
    texts = [m.value for m in at.markdown]
    assert any("Does the proposed teacher leadership initiative do more" in t and "Not answered" in t for t in texts)
    assert any(w.value.endswith("to look at before the board sees the plan.") for w in at.warning)
    button(at, "Open step 1: Design for impact").click()
    run(at)
    assert at.header[0].value == "1. Design for impact"


def test_the_resume_code_is_left_out_of_the_word_file_unless_ticked(database_url):
    at = run(new_app())
    button(at, "Open the sample plan").click()
    run(at)
    code_box = at.checkbox(key="_doc:code")
    assert code_box.value is False
    assert "anyone holding the document can then open and edit the plan" in code_box.label
    assert at.checkbox(key="_doc:checkup").value is False  # the checkup is a working list, not for the board
    assert at.checkbox(key="_doc:brief").value is True
