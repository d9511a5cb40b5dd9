"""An answer's version history as a team reads it: one person's run of edits to one answer within a few
minutes is one version (the last of the run), not one per keystroke or table cell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from .store import HistoryEntry

#: Edits by one person closer together than this read as one version.
EDIT_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class Version:
    """The newest entry of a run of edits by one person, and the run's earlier entries, newest first."""

    entry: HistoryEntry
    earlier: tuple[HistoryEntry, ...] = ()

    @property
    def edits(self) -> int:
        return 1 + len(self.earlier)

    @property
    def started_at(self) -> datetime:
        return (self.earlier[-1] if self.earlier else self.entry).updated_at


def group_edits(entries: Sequence[HistoryEntry], window: timedelta = EDIT_WINDOW) -> list[Version]:
    """Return entries (newest first, as Store.history gives them) as versions, newest first.

    Consecutive entries by the same person, each within window of the next, join one version whose
    value is the run's last. A change by someone else always starts a new version.
    """
    versions: list[Version] = []
    for entry in entries:
        if versions:
            newest = versions[-1]
            if (entry.updated_by == newest.entry.updated_by
                    and newest.started_at - entry.updated_at <= window):
                versions[-1] = Version(newest.entry, newest.earlier + (entry,))
                continue
        versions.append(Version(entry))
    return versions
