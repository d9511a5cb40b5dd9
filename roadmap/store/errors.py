"""The store's errors: each says what happened in plain English and carries where (plan id, entry key)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..plan import AnswerError

class StoreError(Exception):
    """A storage problem; `plan_id` and `key` say where, when known. The message is plain English."""

    def __init__(self, message: str, plan_id: str | None = None, key: str | None = None):
        super().__init__(message)
        self.plan_id = plan_id
        self.key = key


class DatabaseUnavailableError(StoreError):
    """The database cannot be reached. `url` is its address without the password."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"Cannot reach the database at {url}: {reason}")
        self.url = url
        self.reason = reason


class SchemaTooNewError(StoreError):
    """The database was last used by a newer planner, whose tables this one may not understand."""

    def __init__(self, url: str, version: str, known: str):
        super().__init__(f"The database at {url} was last used by a newer version of the planner (schema "
                         f"{version}; this one knows {known}). Update the planner before opening it.")
        self.version = version


class StorageFaultError(StoreError):
    """The database is there but cannot take a save: it is read-only, its disk is full, or the disk failed.
    The message says which in plain words, for the person at the page; nothing in it is internal."""


class SecretMismatchError(StoreError):
    """The database's codes were keyed with another server secret than this server's (secret.py)."""

    def __init__(self, url: str):
        super().__init__(f"The database at {url} was set up with another server secret, so no code would open "
                         "its plans. Give every server that uses it the same ROADMAP_SECRET (a lone server keeps "
                         "its own in secret.key beside its SQLite file or in its data folder).")


class UnknownPlanError(StoreError, LookupError):
    """No plan has this id (it may have been deleted)."""

    def __init__(self, plan_id: str):
        super().__init__("This plan is no longer stored; it may have been deleted.", plan_id)


class UnknownCodeError(StoreError, LookupError):
    """No plan has the resume code given (or the text given cannot be a code)."""

    def __init__(self, message: str = "No plan has that code. Check it and try again."):
        super().__init__(message)


class UnknownVersionError(StoreError, LookupError):
    """History has no such version of the entry."""

    def __init__(self, plan_id: str, key: str, version: int):
        super().__init__(f"There is no version {version} of {key} in this plan's history.", plan_id, key)
        self.version = version


class UnknownDeviceError(StoreError, LookupError):
    """The device token is unknown or revoked."""

    def __init__(self) -> None:
        super().__init__("This device is no longer linked to a plan. Enter the plan's resume code to continue.")


class StaleEntryError(StoreError):
    """Someone saved this entry since the version the writer saw; nothing was saved.

    Carries both sides so a page can show them: `attempted_value` (what this
    writer tried to save) and `current_value`, `current_version`, `updated_by`,
    `updated_at` (what is stored now; version 0 and value None if nothing is).
    """

    def __init__(self, plan_id: str, key: str, seen_version: int, attempted_value: Any,
                 current_value: Any, current_version: int, updated_by: str, updated_at: datetime | None):
        by = f" by {updated_by}" if updated_by else ""
        super().__init__(
            f"{key} was changed{by} since you opened it (you had version {seen_version}, "
            f"it is now version {current_version}); your change was not saved.",
            plan_id, key,
        )
        self.seen_version = seen_version
        self.attempted_value = attempted_value
        self.current_value = current_value
        self.current_version = current_version
        self.updated_by = updated_by
        self.updated_at = updated_at


# Workshops -------------------------------------------------------------------


class UnknownWorkshopError(StoreError, LookupError):
    """No workshop has this id."""

    def __init__(self) -> None:
        super().__init__("This workshop is no longer stored.")


class UnknownTeamError(StoreError, LookupError):
    """The plan is not one of the workshop's teams."""

    def __init__(self) -> None:
        super().__init__("That team is not in this workshop (it may have been removed already).")


class WorkshopAccessError(StoreError):
    """A wrong workshop code or passphrase; which one is not said."""

    def __init__(self) -> None:
        super().__init__("That workshop code and passphrase do not match a workshop. Check both and try again.")


class WorkshopArchivedError(StoreError):
    """The workshop is archived: its teams carry on alone, and it cannot be opened or changed."""

    def __init__(self) -> None:
        super().__init__("This workshop is archived: its teams carry on alone with their own codes, "
                         "and it can no longer be opened or changed.")


class WorkshopNotOpenError(StoreError):
    """Teams can only be added to an open workshop."""

    def __init__(self, status: str):
        super().__init__(f"This workshop is {status}; teams can only be added while it is open.")
        self.status = status


class PlanLockedError(StoreError, AnswerError):
    """The plan's workshop is closed, so the plan can be read but not changed; nothing was saved.

    An AnswerError too, so every page that reports a refused answer reports this one.
    """

    def __init__(self, plan_id: str):
        super().__init__("This workshop has been closed by its facilitator, so the plan is read-only for now.",
                         plan_id)


class TryLaterError(StoreError):
    """A code or sign-in refused at once: this client has a try under way, or the server is too busy with
    tries. The message is one plain sentence; nothing was checked."""


class WeakPassphraseError(ValueError):
    """A facilitator passphrase too short (or too long) to use; the message says the rule."""

