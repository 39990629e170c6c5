"""What a posting's text states besides pay (paybench.normalize.posting_elements): a table of
real phrasings per element, the phrasings that are not the element, and properties over any
text (never raises; evidence is the text at its span; a deadline written any common way reads
back as its date)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.normalize.posting_elements import DESCRIPTION_MIN_CHARS, read_elements

ON = dt.date(2026, 3, 1)


@pytest.mark.parametrize(("text", "element", "found", "specific"), [
    # benefits: named kinds are a general description; a bare adjective is not
    ("We offer medical, dental and vision insurance.", "benefits", True, True),
    ("Benefits: 401(k) with 4% match.", "benefits", True, True),
    ("Unlimited PTO and paid parental leave.", "benefits", True, True),
    ("Tuition reimbursement and a wellness stipend.", "benefits", True, True),
    ("Benefits: medical. Apply by 2026-12-31.", "benefits", True, True),  # one named after the label
    ("Benefits include dental.", "benefits", True, True),
    ("Benefits: competitive.", "benefits", True, False),
    ("Full benefits package including medical.", "benefits", True, True),
    ("We offer medical.", "benefits", True, True),
    ("Benefits: none.", "benefits", True, True),  # a job with no benefits says so: a description
    ("No benefits; contract role.", "benefits", True, True),
    ("Competitive benefits package.", "benefits", True, False),
    ("Great benefits!", "benefits", True, False),
    ("Build ML models for medical imaging.", "benefits", False, False),
    # other compensation
    ("Eligible for an annual performance bonus.", "other_compensation", True, True),
    ("Base plus commission.", "other_compensation", True, True),
    ("Generous equity grants (RSUs).", "other_compensation", True, True),
    ("Experience with Rust is a bonus.", "other_compensation", False, False),
    ("Bonus points for Kubernetes.", "other_compensation", False, False),
    ("Bonus: experience with CUDA.", "other_compensation", False, False),
    ("We are committed to diversity, equity and inclusion.", "other_compensation", False, False),
    ("Prior work at a private equity firm.", "other_compensation", False, False),
    ("Knowledge of Federal Trade Commission rules.", "other_compensation", False, False),
    # healthcare
    ("Health insurance from day one.", "healthcare_benefits", True, True),
    ("Dental and vision plans.", "healthcare_benefits", True, True),
    ("We build healthcare software.", "healthcare_benefits", False, False),
    # commission-based pay, hyperlinks
    ("This is a commission-based role.", "commission_based", True, True),
    ("100% commission, uncapped.", "commission_based", True, True),
    ("Commission on top of base salary.", "commission_based", False, False),
    ("Pay and benefits: https://careers.example.com/pay", "hyperlink", True, True),
    ("No link here.", "hyperlink", False, False),
    # job description
    ("**Responsibilities**\n- Train models", "job_description", True, True),
    ("What you'll do:\nShip features.", "job_description", True, True),
    ("About the role\nWe need help.", "job_description", True, True),
    ("ML Engineer, $150k-$180k.", "job_description", False, False),
    ("x " * DESCRIPTION_MIN_CHARS, "job_description", True, False),
])
def test_element_table(text: str, element: str, found: bool, specific: bool) -> None:
    mention = read_elements(text, on=ON).get(element)
    assert (mention.found, mention.specific) == (found, specific), mention
    if mention.span is not None:
        assert text[mention.span[0]:mention.span[1]] == mention.evidence


@pytest.mark.parametrize(("text", "date"), [
    ("Applications will be accepted until March 15, 2026.", "2026-03-15"),
    ("Apply by 2026-04-01.", "2026-04-01"),
    ("Application deadline: 04/30/2026", "2026-04-30"),
    ("The application window is expected to close on Friday, April 3rd.", "2026-04-03"),
    ("This posting closes 15 May 2026.", "2026-05-15"),
    ("Deadline to apply: June 1", "2026-06-01"),
    ("Applications accepted through Jan 10", "2027-01-10"),  # no year, long before the posting: next year
    ("Closing date: 12/31/26", "2026-12-31"),
])
def test_deadlines(text: str, date: str) -> None:
    mention = read_elements(text, on=ON).application_deadline
    assert mention.found and mention.value == date, mention


@pytest.mark.parametrize("text", [
    "Applications reviewed on a rolling basis.",
    "Open until filled.",
    "Apply now!",
    "Applications will be accepted until the role is filled.",
    "Apply by February 30, 2026.",  # not a calendar date
    "We closed 3 deals in March 2026.",
])
def test_no_deadline(text: str) -> None:
    mention = read_elements(text, on=ON).application_deadline
    assert not mention.found
    if "rolling" in text or "filled" in text:
        assert mention.note and "no closing date" in mention.note


def test_benefit_kinds_are_listed() -> None:
    found = read_elements("Medical insurance, a 401(k) and 20 days PTO.", on=ON).benefits
    assert found.value == "health, retirement, paid leave"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_any_text_is_read(text: str) -> None:
    found = read_elements(text, on=ON)
    for _name, mention in found:
        if mention.span is not None:
            assert text[mention.span[0]:mention.span[1]] == mention.evidence
        if mention.specific:
            assert mention.found


_FORMATS = ("%B %d, %Y", "%b %d %Y", "%Y-%m-%d", "%m/%d/%Y", "%d %B %Y", "%A, %B %d, %Y")


@settings(max_examples=150, deadline=None)
@given(day=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)),
       fmt=st.sampled_from(_FORMATS),
       lead=st.sampled_from(("Applications will be accepted until", "Apply by", "Application deadline:",
                             "The posting closes on", "Applications accepted through")),
       before=st.text(alphabet=st.characters(blacklist_characters="\n."), max_size=80))
def test_a_deadline_reads_back(day: dt.date, fmt: str, lead: str, before: str) -> None:
    text = f"{before}\n{lead} {day.strftime(fmt)}."
    mention = read_elements(text, on=ON).application_deadline
    assert mention.found and mention.value == day.isoformat(), (text, mention)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.sampled_from((
    "Medical, dental and vision insurance.", "401(k) with a 5% match.", "Paid parental leave.",
    "HSA with an employer contribution.")))
def test_a_named_benefit_is_found_anywhere(text: str, sentence: str) -> None:
    found = read_elements(f"{text}\n{sentence}\n{text}", on=ON).benefits
    assert found.found and found.specific
