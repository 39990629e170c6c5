"""What one server process holds: its settings and the engine over its store (`Paybench` in
server mode: it holds no connection between uses, so the CLI and other processes share the
store), which keeps what it builds from the store (the benchmark model, the guide, the
market data, the metro list) and rebuilds it in the background when the store changes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from paybench.engine import Paybench


@dataclass
class Settings:
    """Server settings. Sizes in bytes; rates in requests per minute per client IP."""

    db_path: Path | None = None
    admin_token: str | None = None
    submission_burst: float = 10.0
    submission_per_minute: float = 10.0
    max_body_bytes: int = 64 * 1024
    max_batch_body_bytes: int = 1024 * 1024
    batch_max_rows: int = 1000
    max_payroll_body_bytes: int = 16 * 1024 * 1024
    """A payroll POSTed to /paygap (CSV or JSON rows): about 150,000 workers as CSV."""
    warm: bool = True
    # --- added for issue 14 (server hardening; privacy14 branch) ---
    body_timeout_seconds: float = 30.0
    """A request's body must arrive within this many seconds of its headers (else 408)."""


@dataclass
class ServerState:
    """The settings and the engine."""

    settings: Settings
    engine: Paybench
    started_at: float = field(default_factory=time.time)

    @classmethod
    def open(cls, settings: Settings) -> ServerState:
        """The engine over the store (the embedded defaults loaded on first use), in its
        server mode: no connection held between uses, stale values answered while they are
        rebuilt, training in the background (`Paybench`, `background=True`)."""
        return cls(settings=settings, engine=Paybench(settings.db_path, background=True))

    def close(self) -> None:
        """Close the store."""
        self.engine.close()
