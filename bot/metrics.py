"""Counters and a latency summary for ``/metrics`` (Prometheus text format).

Only counts and timings: nothing here can identify a person or hold their words.
"""

from __future__ import annotations

from collections import Counter


class Metrics:
    """In-process counters; each worker exposes its own, Prometheus adds them up."""

    def __init__(self) -> None:
        self.counters: Counter[str] = Counter()
        self.sums: dict[str, float] = {}

    def inc(self, name: str, amount: int = 1) -> None:
        self.counters[name] += amount

    def observe(self, name: str, seconds: float) -> None:
        self.sums[f"{name}_sum"] = self.sums.get(f"{name}_sum", 0.0) + seconds
        self.sums[f"{name}_count"] = self.sums.get(f"{name}_count", 0.0) + 1

    def render(self) -> str:
        """The Prometheus exposition text."""
        lines = []
        for name, value in sorted(self.counters.items()):
            lines += [f"# TYPE haven_{name}_total counter", f"haven_{name}_total {value}"]
        for name, total in sorted(self.sums.items()):
            lines.append(f"haven_{name} {total:g}")
        return "\n".join(lines) + "\n"
