"""Where paybench keeps its files, and how many threads it fits models with."""

from __future__ import annotations

import os

import pytest

from paybench.paths import compute_threads


def test_compute_threads_from_env_else_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYBENCH_THREADS", "3")
    assert compute_threads() == 3
    for bad in ("", "0", "-2", "two"):
        monkeypatch.setenv("PAYBENCH_THREADS", bad)
        assert compute_threads() == max(1, min(2, os.cpu_count() or 1))
    monkeypatch.delenv("PAYBENCH_THREADS")
    assert 1 <= compute_threads() <= 2
