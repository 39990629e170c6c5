"""Loaded once by the process that starts the text workers (the forkserver of
:mod:`paybench.normalize.parallel`), so that every worker forks with what it would otherwise
load on its first text: the ECB exchange rates (about half a second of CPU) and the
compiled skill taxonomy. Importing it has these effects and no other use."""

from __future__ import annotations

import datetime as dt

from paybench.normalize.experience import extract_years_experience
from paybench.normalize.money import usd_per_unit
from paybench.normalize.pay_text import extract_pay
from paybench.normalize.skills import extract_skills

usd_per_unit("EUR", dt.date(2020, 1, 2))
extract_pay("$150,000 - $180,000 a year")
extract_skills("Python and SQL required")
extract_years_experience("5+ years of experience")
