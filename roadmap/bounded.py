"""Checking an uploaded question bank in a separate process, within a time and memory budget.

Anyone can upload a bank on the facilitator page ("Set up a workshop") without signing in, so a
crafted file must not be able to keep the server busy or fill its memory. `load_bank_text` is
already bounded by design (aliases refused, at most MAX_BANK_NODES values, short messages); this
is the second wall for whatever that misses: the check runs in a child process that limits its own
memory and CPU time, and the server stops waiting after a few seconds. The server itself only ever
turns the child's plain JSON answer into a Bank, never the uploaded YAML.

The child is `python -m roadmap.bounded`, reading the bank on standard input.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .bank import Bank, BankError, BankProblem

#: Wall-clock seconds the server waits for a check (the planner's own bank takes about 0.4 s,
#: most of it starting Python).
CHECK_SECONDS = 8.0
#: The child's address-space limit: Python, pydantic and a bank fit in a third of it.
CHECK_MEMORY_BYTES = 768 * 1024 * 1024
#: The child's CPU-time limit in seconds (the wall-clock limit above usually comes first).
CHECK_CPU_SECONDS = 10
#: The child runs from the folder holding the package, so `python -m roadmap.bounded` finds it.
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)


def check_bank_upload(text: str, name: str) -> Bank:
    """Return the Bank in uploaded YAML text, checked in a bounded child process.

    Raises BankError with the same problems load_bank_text would give, or with one plain problem
    when the check ran out of time or memory.
    """
    command = [sys.executable, "-m", "roadmap.bounded", name]
    try:
        done = subprocess.run(command, input=text.encode("utf-8", "surrogatepass"), capture_output=True,
                              timeout=CHECK_SECONDS, cwd=_PACKAGE_PARENT)
    except subprocess.TimeoutExpired:
        raise BankError([BankProblem(name, None, "", f"took longer than {CHECK_SECONDS:.0f} seconds to check, "
                                                     "far longer than a question bank needs; is it the right file?")]) from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise BankError([BankProblem(name, None, "", "needed more memory to check than a question bank can; "
                                                     "is it the right file?")]) from None
    if "problems" in answer:
        raise BankError([BankProblem(*p) for p in answer["problems"]])
    return Bank.model_validate(answer["bank"])


def _limit_self() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHECK_MEMORY_BYTES, CHECK_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CHECK_CPU_SECONDS, CHECK_CPU_SECONDS))


def _main(argv: list[str]) -> int:
    _limit_self()
    from .bank import load_bank_text

    name = argv[0] if argv else "the question bank"
    text = sys.stdin.buffer.read().decode("utf-8", "replace")
    try:
        bank = load_bank_text(text, name)
    except BankError as exc:
        answer = {"problems": [[p.file, p.line, p.path, p.message] for p in exc.problems]}
    else:
        answer = {"bank": bank.model_dump(mode="json")}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
