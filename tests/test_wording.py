"""English plurals beside counts (`paybench.wording`): "1 observation", "all other
industries", "Agile Coaches", "VPs of Engineering", and the guide's activity tables."""

from __future__ import annotations

import pytest

from paybench.wording import counted, plural


@pytest.mark.parametrize(("noun", "expected"), [
    ("industry", "industries"), ("company", "companies"), ("category", "categories"),
    ("survey", "surveys"), ("day", "days"), ("metro", "metros"), ("employer", "employers"),
    ("work mode", "work modes"), ("company size", "company sizes"), ("observation", "observations"),
    ("class", "classes"), ("box", "boxes"), ("Agile Coach", "Agile Coaches"), ("bush", "bushes"),
    ("woman", "women"), ("man", "men"), ("person", "people"), ("Woman", "Women"),
    ("VP of Engineering", "VPs of Engineering"),
    ("Head of AI / Machine Learning", "Heads of AI / Machine Learning"),
    ("machine learning engineer", "machine learning engineers"), ("CSV", "CSVs"), ("", ""),
])
def test_plural(noun: str, expected: str) -> None:
    assert plural(noun) == expected


def test_counted() -> None:
    assert counted(1, "observation") == "1 observation"
    assert counted(0, "observation") == "0 observations"
    assert counted(1, "industry") == "1 industry" and counted(12, "industry") == "12 industries"
    assert counted(1234, "filing") == "1,234 filings" and counted(2.0, "year") == "2 years"
    assert counted(3, "woman") == "3 women" and counted(1, "man") == "1 man"
    assert counted(2, "criterion", "criteria") == "2 criteria"


def test_every_role_name_has_a_plural_of_its_head_noun() -> None:
    """The guide writes "Senior {plural(role name)} earn ...": no role's plural ends in "ys"
    after a consonant or in "chs"/"shs", and a role "X of Y" pluralizes X."""
    from paybench.normalize.roles import roles

    for role in roles().values():
        found = plural(role.name)
        assert not found.endswith(("chs", "shs", "xs")), found
        if " of " in role.name:
            head, _, rest = role.name.partition(" of ")
            assert found == f"{plural(head)} of {rest}", found
