"""Standard Occupational Classification (SOC) codes as filings write them: the 2010 -> 2018
crosswalk of the occupations paybench's roles stand on, and SOC codes a spreadsheet program
turned into dates.

Sources: BLS, "2010 SOC to 2018 SOC Crosswalk" (bls.gov/soc/2018/crosswalks.htm,
``soc_2010_to_2018_crosswalk.xlsx``); the 2018 SOC titles as the bundled OEWS May 2025 release
names its detailed occupations (:mod:`paybench.reference.oews`).
"""

from __future__ import annotations

import functools
import re

from paybench.reference.oews import connect

SOC_2010_TO_2018: dict[str, str] = {
    "15-1111": "15-1221",  # Computer and Information Research Scientists
    "15-1121": "15-1211",  # Computer Systems Analysts
    "15-1122": "15-1212",  # Information Security Analysts
    "15-1131": "15-1251",  # Computer Programmers
    "15-1132": "15-1252",  # Software Developers, Applications -> Software Developers
    "15-1133": "15-1252",  # Software Developers, Systems Software -> Software Developers
    "15-1134": "15-1254",  # Web Developers (its web designers went to 15-1255)
    "15-1141": "15-1242",  # Database Administrators
    "15-1142": "15-1244",  # Network and Computer Systems Administrators
    "15-1143": "15-1241",  # Computer Network Architects
    "15-1151": "15-1232",  # Computer User Support Specialists
    "15-1152": "15-1231",  # Computer Network Support Specialists
    "15-1199": "15-1299",  # Computer Occupations, All Other (its testers went to 15-1253)
    "15-2091": "15-2099",  # Mathematical Technicians -> Mathematical Science Occupations, All Other
}
"""Each 2010 SOC code whose 2018 code differs, among the computer and mathematical
occupations (major group 15, the only group of paybench's role SOC codes that the 2018
revision renumbered: 11-3021, 17-2061, 27-3042 and 41-9031 kept their codes), to the 2018
code that continues it in the BLS crosswalk: the occupation it was merged into, or, where BLS
split it, the part that keeps its title. LCA files before FY2021 are coded in SOC 2010."""

_SOC = re.compile(r"(\d{2})-?(\d{4})")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SPREADSHEET_DATE = re.compile(r"(?i)\s*(" + "|".join(_MONTHS) + r")[-/ ](\d{2})\s*")
_WORD = re.compile(r"[a-z0-9]+")


def is_spreadsheet_date(text: str) -> bool:
    """True for a SOC code a spreadsheet program turned into a date and shows as "Mmm-YY"
    ('Nov-21': it read "11-3021" as November 3021)."""
    return _SPREADSHEET_DATE.fullmatch(text) is not None


def _title_key(title: str) -> tuple[str, ...]:
    """A title's words, case-folded, each without a plural 's' ("MANAGER" = "Managers")."""
    return tuple(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in _WORD.findall(title.casefold()))


@functools.cache
def soc_titles() -> dict[str, str]:
    """Each detailed 2018 SOC code ('11-3021') -> its title, from the bundled OEWS release."""
    with connect() as conn:
        rows = conn.execute("SELECT occupation_code, occupation_name FROM occupation "
                            "WHERE display_level = 3").fetchall()
    return {f"{code[:2]}-{code[2:]}": str(name) for code, name in rows if len(str(code)) == 6}


def restore_spreadsheet_soc(text: str, title: str) -> str | None:
    """The SOC code behind a spreadsheet date ("Nov-21"), told by the occupation's title
    (the file's SOC_TITLE): a spreadsheet reads "MM-NNYY" as month MM of year NNYY and shows
    "Mmm-YY", so the code's major group is the month (only 11, Management, is a month) and
    its last two digits are the year's; of the 2018 SOC codes so shaped (:func:`soc_titles`),
    the one whose title is ``title`` (case-insensitive, singular or plural), or the only one.
    None when the text is no such date or no single code fits (a 2010 title the 2018 SOC
    renamed, "Education Administrators, Elementary and Secondary School")."""
    match = _SPREADSHEET_DATE.fullmatch(text)
    if match is None:
        return None
    prefix = f"{_MONTHS.index(match.group(1).lower()) + 1:02d}-"
    candidates = {code: name for code, name in soc_titles().items()
                  if code.startswith(prefix) and code.endswith(match.group(2))}
    key = _title_key(title)
    named = [code for code, name in candidates.items() if key and _title_key(name) == key]
    if len(named) == 1:
        return named[0]
    return next(iter(candidates)) if len(candidates) == 1 else None


@functools.lru_cache(maxsize=4096)
def soc_2018(text: str, title: str = "") -> str | None:
    """The 2018 SOC code of a SOC cell as filings write it: '15-1252', '15-1252.00', '151252',
    a 2010 code (:data:`SOC_2010_TO_2018`), or a spreadsheet date restored by ``title``
    (:func:`restore_spreadsheet_soc`); None when it is none of these."""
    found = _SOC.search(text)
    if found is not None:
        code = f"{found.group(1)}-{found.group(2)}"
    else:
        restored = restore_spreadsheet_soc(text, title)
        if restored is None:
            return None
        code = restored
    return SOC_2010_TO_2018.get(code, code)
