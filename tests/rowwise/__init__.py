"""Row-by-row reference adapters, kept verbatim from before the columnar ingest (issue 15):
used only by the tests that compare the columnar adapters' stores with theirs."""
