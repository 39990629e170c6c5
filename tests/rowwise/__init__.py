"""Row-by-row reference adapters, kept verbatim from before the columnar ingest (issue 15):
used only by the tests that compare the columnar adapters' stores with theirs
(tests/test_columnar_*.py). Nothing in paybench imports them. `postings.py` is the job-postings
adapter as of commit af6466c; `aijobs.py`, `lca.py` and `oews.py` their adapters before the
columnar ingest."""
