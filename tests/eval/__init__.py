"""Measurement scripts: run with ``python -m tests.eval.<name>``; they print figures, not verdicts."""
