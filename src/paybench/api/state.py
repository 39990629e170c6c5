"""What one server process holds: its settings and the engine over its store (`Paybench`,
opened once, read-write), which keeps what it builds from the store (the benchmark model,
the guide, the market data, the metro list) until the store's content changes."""

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
        """Open the store read-write, loading the embedded defaults on first use."""
        return cls(settings=settings, engine=Paybench(settings.db_path))

    def close(self) -> None:
        """Close the store."""
        self.engine.close()
