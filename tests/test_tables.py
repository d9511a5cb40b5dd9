"""Rows pasted from a spreadsheet, and table rows read as text."""

import pytest

from roadmap.plan import AnswerError
from roadmap.tables import row_as_text, rows_from_pasted

COLUMNS = ["source", "amount", "status", "notes"]
LABELS = ["Funding source", "Amount (estimate)", "Status", "Notes"]


def test_pasted_rows_keep_the_column_order_and_short_rows_leave_the_rest_empty():
    rows = rows_from_pasted("Title II\t$40,000\tApplied\tDue May\r\nLocal levy\t$15,000\r\n", COLUMNS, LABELS)
    assert rows == [{"source": "Title II", "amount": "$40,000", "status": "Applied", "notes": "Due May"},
                    {"source": "Local levy", "amount": "$15,000", "status": "", "notes": ""}]


@pytest.mark.parametrize("header", ["Funding source\tAmount (estimate)\tStatus\tNotes\n",
                                    "funding source\tamount (estimate)\n", "Funding source\t\t\t\n"])
def test_a_header_line_copied_with_the_cells_is_left_out(header):
    rows = rows_from_pasted(header + "Grant\t$1\n", COLUMNS, LABELS)
    assert [r["source"] for r in rows] == ["Grant"]


def test_a_first_line_that_is_not_the_headings_is_a_row():
    assert [r["source"] for r in rows_from_pasted("Funding\tsource\nGrant\n", COLUMNS, LABELS)] == ["Funding", "Grant"]


def test_blank_lines_are_skipped_and_cells_past_the_last_column_join_it():
    rows = rows_from_pasted("\n\nA\tB\tC\tD\tE\tF\n\t\t\n", COLUMNS, LABELS)
    assert rows == [{"source": "A", "amount": "B", "status": "C", "notes": "D E F"}]


def test_a_cell_excel_quoted_keeps_its_line_break():
    rows = rows_from_pasted('Grant\t$1\t"Applied\nawaiting reply"\tx\n', COLUMNS, LABELS)
    assert rows[0]["status"] == "Applied\nawaiting reply"


def test_more_rows_than_a_table_holds_are_refused():
    with pytest.raises(AnswerError, match="at most 200 rows"):
        rows_from_pasted("".join(f"r{n}\n" for n in range(201)), COLUMNS, LABELS)


def test_a_row_reads_as_labelled_cells_without_the_empty_ones():
    row = {"source": "Title II", "amount": "", "status": "Applied", "notes": None}
    assert row_as_text(row, COLUMNS, LABELS) == "Funding source: Title II · Status: Applied"


def test_a_column_label_cannot_break_out_of_the_phone_cards_style(bank):
    """A bank's column label goes into the page's style as a CSS string (each cell's label on a phone): quotes,
    backslashes, line breaks and a closing style tag stay text inside the string."""
    from ui.tables import _card_labels

    table = next(q for q in bank.questions.values() if q.kind == "table")
    hostile = table.columns[0].model_copy(update={"label": 'Cost "per" post\\ </style><script>alert(1)</script>\nnext'})
    question = table.model_copy(update={"columns": [hostile, *table.columns[1:]]})
    style = _card_labels(question, "trows-1-q")
    assert style.startswith("<style>") and style.count("</style>") == 1 and style.endswith("</style>")
    assert "<script>" not in style and "\n" not in style
    first = style.split("content: ", 1)[1].split("; }", 1)[0]
    assert first.startswith('"Cost \\22 per\\22  post\\5c  \\3c /style\\3e ')  # each escaped as \hex and a space
    assert first.count('"') == 2  # only the string's own quotes


def test_each_table_question_reruns_alone_and_the_questions_keep_the_banks_order(bank):
    """A row added reruns its table's fragment only; the fragments together draw every question once, in order."""
    from ui.steps import question_groups

    for area in bank.areas:
        groups = question_groups(list(area.questions))
        assert [q.id for group in groups for q in group] == [q.id for q in area.questions]
        assert all(len(group) == 1 for group in groups if any(q.kind == "table" for q in group))
    kinds = [[q.kind for q in group] for group in question_groups(list(bank.areas[3].questions))]
    assert len(kinds) < len(bank.areas[3].questions)  # the questions between tables share a fragment


def test_cells_and_rows_read_as_a_person_expects(bank):
    from roadmap.tables import cell_shown, row_name, unique_labels

    funding = bank.questions["q-funding"]
    amount = next(c for c in funding.columns if c.type == "number")
    source = next(c for c in funding.columns if c.type != "number")
    assert cell_shown(amount, "40000") == "40,000"
    assert cell_shown(amount, "0.125") == "0.125"  # every decimal the person typed
    assert cell_shown(amount, "about 40k") == "about 40k"  # an old answer that is not a number shows as saved
    assert cell_shown(source, "12000") == "12000"  # only number columns are formatted
    row = {c.id: "" for c in funding.columns} | {amount.id: "40000"}
    assert row_name(funding.columns, row, 1) == "Row 2: 40000"
    assert row_name(funding.columns, {c.id: "" for c in funding.columns}, 0) == "Row 1"
    assert unique_labels(["Year", "Amount", "Year"]) == ["Year", "Amount", "Year (2)"]
