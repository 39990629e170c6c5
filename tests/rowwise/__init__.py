"""Row-by-row reference implementations, kept only for tests.

`postings.py` is the job-postings adapter exactly as it read files row by row before the
columnar ingest (issue 15), moved here verbatim (from src/paybench/sources/postings.py at
commit af6466c). tests/test_columnar_postings.py ingests the same files with it and with
the columnar adapter and asserts the stores are identical row for row. Nothing in paybench
imports it.
"""
