"""Entry keys, and an entry's value as JSON: how a plan's pieces are written to and read from their rows."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from ..plan import District, Rating
from .errors import StoreError

DISTRICT_KEY = "district"


def answer_key(question_id: str) -> str:
    """Return the entry key of the answer to question_id."""
    return f"q:{question_id}"


def rating_key(action_id: str) -> str:
    """Return the entry key of the rating of action_id."""
    return f"r:{action_id}"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _blank(value: Any) -> bool:
    """True for a value Plan would not keep as an answer: empty text, no choices, only empty cells."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    return False


def _decode(plan_id: str, key: str, text: str) -> Any:
    """Return the stored JSON of key as an answer value, a Rating or a District."""
    try:
        raw = json.loads(text)
        if key == DISTRICT_KEY:
            return District.model_validate(raw)
        if key.startswith("r:"):
            return Rating.model_validate(raw)
        return raw
    except (ValueError, TypeError) as exc:
        raise StoreError(f"The stored value of {key} cannot be read: {exc}", plan_id, key) from exc


def _filled(key: str, data: Any) -> bool:
    if key == DISTRICT_KEY:
        return bool(str(data.get("name", "")).strip())
    if key.startswith("r:"):
        return data.get("level") is not None
    return not _blank(data)

