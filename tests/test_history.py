"""An answer's history read as versions: one person's run of edits within minutes is one version."""

from datetime import datetime, timedelta, timezone

from roadmap.history import group_edits
from roadmap.store import HistoryEntry

START = datetime(2026, 3, 14, 9, 0, tzinfo=timezone.utc)


def entries(*edits):
    """HistoryEntry newest first from (minutes after START, who) oldest first."""
    made = [HistoryEntry(f"v{n}", n, who, START + timedelta(minutes=at)) for n, (at, who) in enumerate(edits, 1)]
    return list(reversed(made))


def test_one_persons_edits_minutes_apart_are_one_version_holding_the_last_text():
    versions = group_edits(entries((0, "Maria"), (1, "Maria"), (3, "Maria"), (7, "Maria")))
    assert [(v.entry.value, v.edits) for v in versions] == [("v4", 4)]
    assert versions[0].started_at == START
    assert [e.value for e in versions[0].earlier] == ["v3", "v2", "v1"]


def test_a_pause_longer_than_the_window_starts_a_new_version():
    versions = group_edits(entries((0, "Maria"), (2, "Maria"), (20, "Maria")))
    assert [(v.entry.value, v.edits) for v in versions] == [("v3", 1), ("v2", 2)]


def test_someone_else_s_edit_in_between_always_starts_a_new_version():
    versions = group_edits(entries((0, "Maria"), (1, "Tom"), (2, "Maria")))
    assert [(v.entry.value, v.entry.updated_by) for v in versions] == [("v3", "Maria"), ("v2", "Tom"), ("v1", "Maria")]


def test_no_history_is_no_versions():
    assert group_edits([]) == []
