#!/usr/bin/env python3
"""Rebuild the embedded ai-jobs.net survey snapshot (paybench/data/aijobs/) from the file in
../shared/data/aijobs/: salaries.csv compressed with xz (byte for byte the same file once
decompressed, so its SHA-256 is the shared file's), the CC0 licence beside it, and a
manifest with the SHA-256 and row count. Usage: scripts/build_aijobs_default.py [SRC_DIR]
"""

from __future__ import annotations

import hashlib
import json
import lzma
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "paybench" / "data" / "aijobs"


def main() -> int:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "aijobs"
    csv_path, licence = src / "salaries.csv", src / "LICENSE"
    if not csv_path.is_file() or not licence.is_file():
        print(f"error: {src} must hold salaries.csv and LICENSE", file=sys.stderr)
        return 1
    raw = csv_path.read_bytes()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "salaries.csv.xz").write_bytes(lzma.compress(raw, preset=9 | lzma.PRESET_EXTREME))
    shutil.copyfile(licence, OUT / "LICENSE")
    manifest = {
        "file": "salaries.csv",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "bytes": len(raw),
        "rows": raw.count(b"\n") - 1,
        "snapshot": "2024-12-29",
        "licence": "CC0 1.0 Universal (LICENSE)",
        "attribution": "ai-jobs.net salary survey (https://ai-jobs.net/salaries/), CC0; "
                       "credited as a courtesy, no attribution is required",
        "rebuild": "scripts/build_aijobs_default.py ../shared/data/aijobs",
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT / 'salaries.csv.xz'} ({(OUT / 'salaries.csv.xz').stat().st_size:,} bytes "
          f"from {len(raw):,}; {manifest['rows']:,} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
