"""Submissions: one person's pay, sent through the HTTP API (`POST /api/v1/submissions`).

They arrive one at a time, not as files: `paybench.submissions` validates, normalizes and
stores each as observations of this source (kind 'submitted'), holds outliers for review and
counts them in a cell only from `MethodParams.submission_min` of them up (k-anonymity).
"""

from __future__ import annotations

from paybench.records import SourceInfo

SOURCE = SourceInfo(
    id="submission", description="Individual submissions through the paybench API",
    licence="contributed by users; published only k-anonymously")
