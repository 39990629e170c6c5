"""paybench: compensation benchmarks for tech and ML roles from public data, with provenance.

The Python API mirrors the CLI: normalize titles and places, ingest files into the
DuckDB store, compute benchmark cells and write the guide. All pay figures are annual
US dollars unless a name says otherwise.
"""

__version__ = "0.1.0"
