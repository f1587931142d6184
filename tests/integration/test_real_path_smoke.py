"""The real-path benchmark still runs: Haven in process, 3 users, every update answered.

``tests/eval/real_path.py`` is only run by hand; this keeps it from rotting silently (changed
button data, a Bot API call refused by the stand-in, a child process that no longer starts).
"""

from __future__ import annotations

from tests.eval import real_path


async def test_in_process_haven_answers_every_update_of_the_benchmark() -> None:
    rows = await real_path.run(users=3, concurrency=2, stacks=["haven"])
    assert [(row.stack, row.mode) for row in rows] == [("haven", "seq"), ("haven", "conc")]
    for row in rows:
        assert row.updates == 3 * len(real_path.STEPS)
        assert row.errors == 0 and row.api_errors == 0, row
        assert row.api_calls >= row.updates, "every update gets at least one Bot API call"
        assert row.rate > 0 and row.cpu > 0
