"""The plan file's JSON Schema (`python -m roadmap schema`): the file this planner writes (version 2, with
rounds) and the version 1 files it still reads."""

from __future__ import annotations

from .plan import PLAN_VERSION, READABLE_VERSIONS, Plan


def plan_json_schema() -> dict:
    """Return the JSON Schema of the plan file."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Teacher leadership plan file"
    schema["description"] = (
        "A district's teacher leadership plan, saved by the Teacher Leadership Roadmap planner. "
        "answers are keyed by question id and ratings by action id, both from questions.yaml. "
        "round is the round under way and rounds the closed ones, oldest first. A file of version 1 "
        "(before rounds) has neither and is read as a plan of one round, begun when the plan was created."
    )
    schema["properties"]["version"] = {"title": "Version", "enum": list(READABLE_VERSIONS), "default": PLAN_VERSION,
                                       "description": "2 is written; 1 (no round, no rounds) is still read."}
    return schema
