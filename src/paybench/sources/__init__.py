"""Source adapters: one module per source format.

Every adapter module here defines `SOURCE: paybench.records.SourceInfo` (its id, stored with
every record, a description, the data's licence and attribution); `catalog()` lists them, and
the guide's sources section prints them. A file adapter also defines
- `PRIORITY: int` (lower is asked first when detecting a file's format),
- `sniff(header: list[str]) -> bool` (does a file with this header row have my layout?),
  and optionally `sniff_path(path) -> bool` for formats told by the file itself (xlsx),
- `ingest(path, writer, progress) -> None` (read the file, add records to the
  `IngestWriter`; raise `InputError` for a file that cannot be read at all),
- optionally `COLUMNAR = True` when `ingest` writes in bulk only (`IngestWriter.add_arrow`,
  `add_frame`; delimited text read in Arrow batches by `paybench.sources.delimited`, normalized
  once per distinct value with `paybench.sources.columnar`): its batches then go straight into
  the store inside the ingest's transaction instead of through a staging database.
`file_sources()` finds them; nothing else needs to list them. To add a source, add a module
here: nothing else changes.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from types import ModuleType

from paybench.records import SourceInfo


@functools.cache
def _adapters() -> tuple[ModuleType, ...]:
    """Every adapter module here (a module with a SOURCE)."""
    modules = (importlib.import_module(f"{__name__}.{info.name}")
               for info in pkgutil.iter_modules(__path__))
    return tuple(m for m in modules if isinstance(getattr(m, "SOURCE", None), SourceInfo))


@functools.cache
def file_sources() -> dict[str, ModuleType]:
    """Every file adapter by source id, in detection order (PRIORITY, then name)."""
    found = [(getattr(m, "PRIORITY", 50), m.SOURCE.id, m) for m in _adapters()
             if all(hasattr(m, a) for a in ("sniff", "ingest"))]
    return {sid: module for _, sid, module in sorted(found, key=lambda t: (t[0], t[1]))}


def catalog() -> dict[str, SourceInfo]:
    """What every adapter declares, by source id."""
    return {m.SOURCE.id: m.SOURCE for m in _adapters()}
