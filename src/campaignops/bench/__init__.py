"""Benchmarks: `make bench` runs every module listed in MODULES and prints medians and ratios
against a baseline measured in the same run. Speed targets live here, never in timed tests.

A module exposes `run(ctx: Context) -> list[Result]`.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

MODULES = ["campaignops.bench.plan_page", "campaignops.bench.plan_io", "campaignops.bench.schedule",
           "campaignops.bench.timeline_page", "campaignops.bench.standup_page", "campaignops.bench.metrics_ingest", "campaignops.bench.metrics_dashboard", "campaignops.bench.reports",
           "campaignops.bench.lessons_search"]


@dataclass
class Result:
    name: str
    median_s: float
    baseline_name: str
    baseline_median_s: float
    # Targets: the ratio median/baseline must be <= max_ratio (slower-than bound) or the speed-up
    # baseline/median >= min_speedup; and the median below max_seconds.
    max_ratio: float | None = None
    min_speedup: float | None = None
    max_seconds: float | None = None

    @property
    def ratio(self) -> float:
        return self.median_s / self.baseline_median_s if self.baseline_median_s else float("inf")

    @property
    def ok(self) -> bool:
        checks = []
        if self.max_ratio is not None:
            checks.append(self.ratio <= self.max_ratio)
        if self.min_speedup is not None:
            checks.append(1 / self.ratio >= self.min_speedup)
        if self.max_seconds is not None:
            checks.append(self.median_s <= self.max_seconds)
        return all(checks)

    def line(self) -> str:
        target = []
        if self.max_ratio is not None:
            target.append(f"≤{self.max_ratio:g}×")
        if self.min_speedup is not None:
            target.append(f"≥{self.min_speedup:g}× faster")
        if self.max_seconds is not None:
            target.append(f"<{self.max_seconds * 1000:g} ms")
        return (f"{'OK  ' if self.ok else 'MISS'} {self.name:<48} median {self.median_s * 1000:9.1f} ms | "
                f"{self.baseline_name:<36} {self.baseline_median_s * 1000:9.1f} ms | ratio {self.ratio:6.2f} "
                f"(speed-up {1 / self.ratio if self.ratio else 0:5.2f}×) target {' and '.join(target)}")


def median_time(fn: Callable[[], object], *, repeat: int = 7, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)
