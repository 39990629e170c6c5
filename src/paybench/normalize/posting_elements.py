"""What a job posting's text says besides its pay: the elements US pay-transparency laws ask a
posting to state (`paybench.decide.posting` keeps which law asks for which, since when).

- benefits: a *general description* of benefits names at least one kind (health, dental or
  vision cover, retirement or 401(k), paid leave, parental leave, HSA/FSA, tuition, stipends);
  a bare "competitive benefits" or "great benefits package" is found but not specific, which
  New Jersey's Department of Labor says is not enough (natlawreview.com, "Shining a Light on
  Pay", 2025) and Colorado's and Washington's "general description" read the same way.
- other_compensation: bonus, commission, equity or stock (options, RSUs, grants), profit
  sharing, incentive pay, sign-on, OTE; "bonus points", "... is a bonus", "diversity, equity
  and inclusion", "private equity" and agencies named "... Commission" are not pay.
- application_deadline: a date after words that close an application window ("apply by",
  "applications accepted until", "the posting closes on", "application deadline:"), read with
  python-dateutil (a year left out is the posting's year, or the next one when that date
  would lie more than 30 days before the posting). "Rolling basis" or "until filled" gives no
  date, which Colorado's rule (C.R.S. § 8-5-201 as amended by SB 23-105: "the date the
  application window is anticipated to close") does not accept; it is noted.
- job_description: a duties section ("Responsibilities", "What you'll do", "About the role",
  ...) or, without one, at least :data:`DESCRIPTION_MIN_CHARS` characters of text.
- healthcare_benefits: medical, dental, vision or health cover (D.C.'s disclosure).
- commission_based: the pay is by commission ("commission-based", "100% commission"), which
  some laws accept in place of a range (Vermont 21 V.S.A. § 495p(a)(2), New York Labor Law
  § 194-b, Delaware HB 105).
- hyperlink: a web address (Illinois accepts a hyperlink to the pay scale and benefits,
  820 ILCS 112/10(b-25)).

:func:`read_elements` is a pure function of the text and a date; it never raises on text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, Field

ElementName = Literal["benefits", "other_compensation", "application_deadline", "job_description",
                      "healthcare_benefits", "commission_based", "hyperlink"]

DESCRIPTION_MIN_CHARS = 400
"""Text of at least this many characters (after trimming) counts as a job description when it
has no duties heading: about five lines of prose, more than a title, a place and a pay line."""

_EVIDENCE_MAX = 120


class Mention(BaseModel):
    """One element as found (or not) in a posting's text."""

    element: ElementName
    found: bool
    specific: bool = Field(default=False, description="found and concrete (a benefit named, a "
                                                       "date read), not only a vague mention")
    evidence: str | None = Field(default=None, description="the words found, as written")
    span: tuple[int, int] | None = Field(default=None, description="[start, end) of evidence")
    value: str | None = Field(default=None, description="what was read: a deadline as "
                                                        "YYYY-MM-DD, the kinds of benefit found")
    note: str | None = None


class PostingElements(BaseModel):
    """Every element of one posting's text (see the module docstring)."""

    benefits: Mention
    other_compensation: Mention
    application_deadline: Mention
    job_description: Mention
    healthcare_benefits: Mention
    commission_based: Mention
    hyperlink: Mention

    def get(self, name: str) -> Mention:
        """The mention of an element by its name; KeyError for another name."""
        if name not in type(self).model_fields:
            raise KeyError(name)
        mention: Mention = getattr(self, name)
        return mention


_I = re.IGNORECASE
_HEALTH_WORD = r"(?:medical|dental|vision|health(?:\s?care)?)"
_HEALTH = re.compile(
    rf"\b{_HEALTH_WORD}(?:\s*(?:,|/|&|\+|\band\b)\s*{_HEALTH_WORD})*,?\s+"
    r"(?:and\s+)?(?:insurance|coverage|benefits?|plans?|care)\b"
    rf"|\bmedical\s*(?:,|/|&|and)\s*dental\b|\bdental\s*(?:,|/|&|and)\s*vision\b"
    rf"|\bbenefits?\b[^.;\n]{{0,40}}?\b(?:includ(?:es?|ing)|:|-|–|with)\s*(?:full\s+|comprehensive\s+)?"
    rf"{_HEALTH_WORD}\b"
    rf"|\boffer(?:s|ing)?\s+(?:full\s+|comprehensive\s+)?{_HEALTH_WORD}\b", _I)
_BENEFIT_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("health", _HEALTH),
    ("retirement", re.compile(r"\b401\s?\(?k\)?|\b403\s?\(?b\)?|\bretirement\s+(?:plans?|savings|"
                              r"benefits?|contributions?|accounts?|match(?:ing)?)\b|\bpension\b", _I)),
    ("paid leave", re.compile(r"\bpaid\s+(?:time\s+off|vacation|holidays?|sick(?:\s+(?:leave|days|time))?|"
                              r"leave)\b|\bPTO\b|\b(?:vacation|holiday)\s+days\b|\bunlimited\s+"
                              r"(?:PTO|vacation|time\s+off)\b", _I)),
    ("parental leave", re.compile(r"\b(?:parental|maternity|paternity|family)\s+leave\b", _I)),
    ("life or disability insurance", re.compile(r"\b(?:life|disability|AD&D)\s+insurance\b", _I)),
    ("HSA/FSA", re.compile(r"\b(?:HSA|FSA)\b|\bhealth\s+savings\s+account\b|\bflexible\s+spending\b")),
    ("tuition or learning", re.compile(r"\btuition\s+(?:reimbursement|assistance)\b|\b(?:learning|"
                                       r"education(?:al)?|professional\s+development)\s+(?:stipend|"
                                       r"budget|allowance)\b", _I)),
    ("stipends", re.compile(r"\b(?:commuter|wellness|home[- ]office|remote[- ]work|phone|internet|"
                            r"gym)\s+(?:stipend|benefits?|allowance|reimbursement)\b", _I)),
)
_BENEFITS_VAGUE = re.compile(
    r"\b(?:competitive|great|excellent|comprehensive|generous|full|attractive|amazing|robust|"
    r"industry[- ]leading|standard)\s+benefits?(?:\s+package)?\b|\bbenefits?\s+package\b|\bbenefits\b",
    _I)

_OTHER_COMP = re.compile(
    r"\b(?:annual|performance|target|quarterly|signing|sign[- ]on|retention|year[- ]end|cash)\s+"
    r"bonus(?:es)?\b|\bbonus(?:es)?\b|\bcommissions?\b|\b(?:equity|stock)\s+(?:grants?|awards?|"
    r"options?|compensation|package|refreshers?)\b|\bstock\s+options?\b|\bequity\b|\bRSUs?\b|"
    r"\brestricted\s+stock\b|\bprofit[- ]sharing\b|\bincentive\s+(?:pay|plans?|compensation|"
    r"programs?)\b|\blong[- ]term\s+incentives?\b|\bOTE\b|\bon[- ]target\s+earnings\b", _I)
_NOT_PAY_BONUS = re.compile(r"\s*(?:points?\b|if\b|:)", _I)
_NOT_PAY_BONUS_BEFORE = re.compile(r"\b(?:is|are|be|as|a|an)\s+(?:a\s+)?(?:big|huge|nice|definite|"
                                   r"real|major|strong)?\s*$", _I)
_NOT_PAY_EQUITY_BEFORE = re.compile(r"(?:diversity|pay|health|home|private|racial|gender|social|"
                                    r"brand|sweat|digital|educational|inclusion),?\s*(?:and\s+)?$", _I)
_NOT_PAY_EQUITY_AFTER = re.compile(r"\s*(?:,|&|and)?\s*(?:inclusion|belonging|diversity|research|"
                                   r"markets?|firms?|funds?|investments?|analysts?)\b", _I)
_AGENCY_BEFORE = re.compile(r"[A-Z][a-z]+\s+$")

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (rf"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
         rf"(?:{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?|{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?|"
         r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/(?:\d{4}|\d{2}))")
_DEADLINE_WORDS = (
    r"application\s+deadline|deadline\s+(?:to|for)\s+appl(?:y|ications?)|deadline|apply\s+(?:by|before)|"
    r"applications?\s+(?:will\s+be\s+|are\s+)?(?:accepted|received|considered|open)\s+"
    r"(?:until|through|thru|by|till|to)|accepting\s+applications\s+(?:until|through|thru|till)|"
    r"(?:application\s+window|application\s+period|posting|job\s+posting|position|job|applications?|"
    r"this\s+(?:role|posting|position|job))\s+(?:is\s+|are\s+|will\s+be\s+)?(?:expected\s+to\s+|"
    r"anticipated\s+to\s+|scheduled\s+to\s+|set\s+to\s+|will\s+)?(?:close|closes|closing|end|ends)"
    r"(?:\s+on|\s+date)?|closing\s+date|close\s+date|open\s+(?:until|through)")
_DEADLINE = re.compile(rf"\b(?P<kw>{_DEADLINE_WORDS})\b[^.\n]{{0,40}}?(?P<date>{_DATE})\b", _I)
_ROLLING = re.compile(r"\b(?:rolling\s+basis|until\s+(?:the\s+(?:position|role|job|opening)\s+is\s+)?"
                      r"filled|open\s+until\s+filled|no\s+(?:application\s+)?deadline)\b", _I)
_DUTIES = re.compile(
    r"(?:^|\n)[ \t>#*_\-•]*(?:key\s+)?(?:responsibilities|duties|what\s+you(?:'|’)?ll\s+do|what\s+you\s+will"
    r"\s+do|about\s+the\s+(?:role|job|position|opportunity)|the\s+role|role\s+overview|job\s+"
    r"(?:description|summary|duties)|position\s+(?:summary|overview|description)|in\s+this\s+role|"
    r"your\s+(?:role|impact|mission|responsibilities))\b", _I)
_COMMISSION_BASED = re.compile(
    r"\bcommission[- ](?:based|only)\b|\b100\s?%\s+commission\b|\bstraight\s+commission\b|"
    r"\bpaid\s+(?:on|by|through)\s+commissions?\b|\bcommission\s+is\s+the\s+(?:only|sole)\b", _I)
_LINK = re.compile(r"\bhttps?://[^\s<>()\[\]\"']+|\bwww\.[a-z0-9-]+\.[^\s<>()\[\]\"']+", _I)


def _snip(text: str, start: int, end: int) -> tuple[str, tuple[int, int]]:
    end = min(end, start + _EVIDENCE_MAX)
    return text[start:end], (start, end)


def _other_comp(text: str) -> Iterator[re.Match[str]]:
    """Mentions of pay beyond base (see the module docstring for what is left out)."""
    for m in _OTHER_COMP.finditer(text):
        word = m.group(0).lower()
        before = text[max(0, m.start() - 40):m.start()]
        after = text[m.end():m.end() + 40]
        if word.startswith("bonus") and (_NOT_PAY_BONUS.match(after) or _NOT_PAY_BONUS_BEFORE.search(before)):
            continue
        if word == "equity" and (_NOT_PAY_EQUITY_BEFORE.search(before) or _NOT_PAY_EQUITY_AFTER.match(after)):
            continue
        if word.startswith("commission") and m.group(0)[0] == "C" and _AGENCY_BEFORE.search(before):
            continue  # "Federal Trade Commission", "Securities and Exchange Commission"
        yield m


def _deadline_date(raw: str, on: dt.date) -> dt.date | None:
    """A date as written after deadline words; None when it is not a calendar date."""
    from dateutil import parser

    text = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", raw, flags=re.IGNORECASE)
    text = re.sub(r"\bof\b", " ", text, flags=re.IGNORECASE)
    has_year = bool(re.search(r"\d{4}|/\d{2}$|/\d{2}\b", raw))
    try:
        day = parser.parse(text, default=dt.datetime(on.year, 1, 1), fuzzy=False).date()
    except (ValueError, OverflowError, parser.ParserError):
        return None
    if not has_year and day < on - dt.timedelta(days=30):
        try:
            day = day.replace(year=day.year + 1)
        except ValueError:  # 29 February
            return None
    return day


def read_elements(text: str, *, on: dt.date | None = None) -> PostingElements:
    """The elements a posting's text states (module docstring), for a posting dated `on`
    (default today; it completes deadline dates written without a year). Never raises on
    text; a non-string is read as empty text."""
    body = text if isinstance(text, str) else ""
    day = on or dt.date.today()
    return PostingElements(
        benefits=_benefits(body),
        other_compensation=_first(body, "other_compensation", _other_comp(body)),
        application_deadline=_deadline(body, day),
        job_description=_job_description(body),
        healthcare_benefits=_first(body, "healthcare_benefits", _HEALTH.finditer(body)),
        commission_based=_first(body, "commission_based", _COMMISSION_BASED.finditer(body)),
        hyperlink=_first(body, "hyperlink", _LINK.finditer(body)),
    )


def _first(text: str, name: ElementName, matches: Iterator[re.Match[str]]) -> Mention:
    for m in matches:
        evidence, span = _snip(text, m.start(), m.end())
        return Mention(element=name, found=True, specific=True, evidence=evidence, span=span)
    return Mention(element=name, found=False)


_NO_BENEFITS = re.compile(r"\bbenefits?\s*(?::|-|–)\s*(?:none|n/a)\b|\bno\s+benefits\b"
                          r"|\bnot\s+eligible\s+for\s+(?:any\s+)?benefits\b", _I)
"""A posting that says the job has no benefits: that is its description of them."""


def _benefits(text: str) -> Mention:
    none = _NO_BENEFITS.search(text)
    if none is not None:
        evidence, span = _snip(text, none.start(), none.end())
        return Mention(element="benefits", found=True, specific=True, evidence=evidence, span=span,
                       value="none (the posting says the job has no benefits)")
    kinds: list[str] = []
    first: re.Match[str] | None = None
    for kind, pattern in _BENEFIT_KINDS:
        m = pattern.search(text)
        if m is not None:
            kinds.append(kind)
            if first is None or m.start() < first.start():
                first = m
    if first is not None:
        evidence, span = _snip(text, first.start(), first.end())
        return Mention(element="benefits", found=True, specific=True, evidence=evidence, span=span,
                       value=", ".join(kinds))
    vague = _BENEFITS_VAGUE.search(text)
    if vague is not None:
        evidence, span = _snip(text, vague.start(), vague.end())
        return Mention(element="benefits", found=True, specific=False, evidence=evidence, span=span,
                       note="benefits are mentioned but none is named (a general description names "
                            "them: health cover, retirement, paid leave ...)")
    return Mention(element="benefits", found=False)


def _deadline(text: str, on: dt.date) -> Mention:
    for m in _DEADLINE.finditer(text):
        day = _deadline_date(m.group("date"), on)
        if day is None:
            continue
        evidence, span = _snip(text, m.start(), m.end())
        return Mention(element="application_deadline", found=True, specific=True, evidence=evidence,
                       span=span, value=day.isoformat())
    rolling = _ROLLING.search(text)
    if rolling is not None:
        evidence, span = _snip(text, rolling.start(), rolling.end())
        return Mention(element="application_deadline", found=False, evidence=evidence, span=span,
                       note="applications on a rolling basis or until filled: no closing date stated")
    return Mention(element="application_deadline", found=False)


def _job_description(text: str) -> Mention:
    m = _DUTIES.search(text)
    if m is not None:
        start = m.start() + (1 if text[m.start()] == "\n" else 0)
        while start < m.end() and not text[start].isalnum():
            start += 1
        evidence, span = _snip(text, start, m.end())
        return Mention(element="job_description", found=True, specific=True, evidence=evidence, span=span)
    size = len(text.strip())
    if size >= DESCRIPTION_MIN_CHARS:
        return Mention(element="job_description", found=True, specific=False,
                       note=f"no duties heading; {size:,} characters of text taken as the description")
    return Mention(element="job_description", found=False,
                   note=f"no duties heading and only {size:,} characters of text")
