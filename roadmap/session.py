"""One device's working copy of a stored plan: every change checked, saved at once, conflicts caught.

The pages call `PlanSession` and nothing else to change a plan, so saving happens
in one place. A change is first checked by the Plan (kind, limits, sanitising);
only a change that fits is sent to the store, with the version this device last
saw. If a teammate saved the same answer in between, the store refuses and the
session records a `Conflict` holding both texts, so nobody's words are lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .bank import Bank
from .plan import District, Plan, Rating, normalise_answer, is_answered
from .store import DISTRICT_KEY, StaleEntryError, Store, StoredPlan, answer_key, rating_key

__all__ = ["Conflict", "PlanSession", "DISTRICT_KEY", "answer_key", "rating_key"]


@dataclass(frozen=True)
class Conflict:
    """A save refused because a teammate changed the same entry first."""

    key: str
    mine: Any
    theirs: Any
    their_version: int
    by: str
    at: datetime | None


class PlanSession:
    """A plan as this device sees it, plus the version of each entry it last saw."""

    def __init__(self, store: Store, bank: Bank, stored: StoredPlan, who: str = ""):
        self.store = store
        self.bank = bank
        self.plan_id = stored.plan_id
        self.plan: Plan = stored.plan
        self.versions: dict[str, int] = dict(stored.versions)
        self.who = who
        # When anyone last stored a change to the plan, in the server's time zone: "Saved 10:42" means
        # the same on every device, and after a refresh.
        self.saved_at: datetime | None = stored.updated_at.astimezone() if stored.updated_at else None
        self.conflicts: dict[str, Conflict] = {}
        self.round_versions: dict[int, int] = dict(stored.round_versions)  # round number -> version (renames)

    # Saving ----------------------------------------------------------------

    def _save(self, key: str, save, value: Any) -> bool:
        """Run save(seen_version); return True if stored, False if it became a conflict.

        Raises PlanLockedError (from the store), saving nothing, while the plan's workshop is closed.
        """
        try:
            self.versions[key] = save(self.versions.get(key, 0))
        except StaleEntryError as exc:
            self.conflicts[key] = Conflict(key, value, exc.current_value, exc.current_version,
                                           exc.updated_by or "a teammate", exc.updated_at)
            return False
        self.conflicts.pop(key, None)
        self.saved_at = datetime.now().astimezone()
        return True

    def answer(self, question_id: str, value: Any) -> bool:
        """Check and save an answer; return False if a teammate's change got there first.

        Raises AnswerError or TextTooLongError (nothing changed, nothing saved) when
        the value does not fit the question.
        """
        question = self.bank.questions[question_id]
        stored_value = normalise_answer(question, value, self.bank)
        key = answer_key(question_id)
        ok = self._save(key, lambda seen: self.store.save_answer(
            self.plan_id, question_id, stored_value, seen, self.who), stored_value)
        if ok:
            self.plan.set_answer(self.bank, question_id, stored_value)
        return ok

    def rate(self, action_id: str, level: str | None, note: str | None = None) -> bool:
        """Check and save a rating (and its note, if given); return False on a conflict."""
        trial = self.plan.model_copy(deep=True)
        rating = trial.set_rating(self.bank, action_id, level, note)
        key = rating_key(action_id)
        ok = self._save(key, lambda seen: self.store.save_rating(
            self.plan_id, action_id, rating, seen, self.who), rating)
        if ok:
            self.plan.set_rating(self.bank, action_id, rating.level, rating.note)
        return ok

    def set_district(self, district: District) -> bool:
        """Save the district and team details; return False on a conflict."""
        district = District.model_validate(district.model_dump())
        ok = self._save(DISTRICT_KEY, lambda seen: self.store.save_district(
            self.plan_id, district, seen, self.who), district)
        if ok:
            self.plan.district = district
            self.plan.touch()
        return ok

    def confirm(self, key: str) -> bool:
        """Record that an answer or rating carried into this round is still true (saved again as a new
        version); return False if a teammate changed it first (a Conflict, as for any save)."""
        kind, _, ident = key.partition(":")
        value = self.plan.answers.get(ident) if kind == "q" else self.plan.ratings.get(ident)
        ok = self._save(key, lambda seen: self.store.confirm_entry(self.plan_id, key, seen, self.who), value)
        if ok:
            self.plan.mark_reviewed(key)
        return ok

    # Conflicts -------------------------------------------------------------

    def keep_mine(self, key: str) -> bool:
        """Save this device's text over the teammate's, knowingly; return False if it changed again."""
        conflict = self.conflicts[key]
        self.versions[key] = conflict.their_version
        return self._resave(key, conflict.mine)

    def take_theirs(self, key: str) -> None:
        """Drop this device's text and use the teammate's."""
        conflict = self.conflicts.pop(key)
        self.versions[key] = conflict.their_version
        self._apply(key, conflict.theirs)

    def _resave(self, key: str, value: Any) -> bool:
        kind, _, ident = key.partition(":")
        if key == DISTRICT_KEY:
            return self.set_district(value)
        if kind == "q":
            return self.answer(ident, value)
        return self.rate(ident, value.level, value.note)

    def _apply(self, key: str, value: Any) -> None:
        """Put a value read from the store into the plan, without saving it again."""
        kind, _, ident = key.partition(":")
        self.plan.mark_reviewed(key)  # a teammate's save reviews it this round
        if key == DISTRICT_KEY:
            self.plan.district = value if isinstance(value, District) else District.model_validate(value)
        elif kind == "q":
            question = self.bank.questions.get(ident)
            if question is None or is_answered(question, value):
                self.plan.answers[ident] = value
            else:
                self.plan.answers.pop(ident, None)
        elif kind == "r":
            rating = value if isinstance(value, Rating) else Rating.model_validate(value)
            if rating.level is None and not rating.note:
                self.plan.ratings.pop(ident, None)
            else:
                self.plan.ratings[ident] = rating

    # Teammates' changes ----------------------------------------------------

    def refresh(self) -> list[str]:
        """Pull in what teammates saved since this device last looked; return the changed keys.

        If a teammate started or undid a round meanwhile, the whole plan is read again (every key returned).
        """
        if self.store.open_round_number(self.plan_id) != len(self.plan.rounds) + 1:
            stored = self.store.load(self.plan_id)
            self.plan, self.versions = stored.plan, dict(stored.versions)
            self.round_versions = dict(stored.round_versions)
            return sorted(stored.versions)
        changed = self.store.changed_since(self.plan_id, self.versions)
        for key, (value, version) in changed.items():
            self._apply(key, value)
            self.versions[key] = version
        if changed:
            self.saved_at = self.store.last_change(self.plan_id).astimezone()
        return sorted(changed)

    @classmethod
    def open(cls, store: Store, bank: Bank, plan_id: str, who: str = "") -> "PlanSession":
        return cls(store, bank, store.load(plan_id), who)
