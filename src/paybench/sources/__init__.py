"""Source adapters: one module per source format.

A file adapter is a module here that defines
- `SOURCE_ID: str` (stored with every record), `DESCRIPTION: str`, `PRIORITY: int`
  (lower is asked first when detecting a file's format),
- `sniff(header: list[str]) -> bool` (does a file with this header row have my layout?),
  and optionally `sniff_path(path) -> bool` for formats told by the file itself (xlsx),
- `ingest(path, writer, progress) -> None` (read the file, add records to the
  `IngestWriter`; raise `InputError` for a file that cannot be read at all).
`file_sources()` finds them; nothing else needs to list them.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from types import ModuleType


@functools.cache
def file_sources() -> dict[str, ModuleType]:
    """Every file adapter by source id, in detection order (PRIORITY, then name)."""
    found: list[tuple[int, str, ModuleType]] = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if all(hasattr(module, a) for a in ("SOURCE_ID", "sniff", "ingest", "DESCRIPTION")):
            found.append((getattr(module, "PRIORITY", 50), module.SOURCE_ID, module))
    return {sid: module for _, sid, module in sorted(found, key=lambda t: (t[0], t[1]))}
