"""Invariants of the role taxonomy (paybench/data/roles.json)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from paybench.errors import InputError
from paybench.normalize.roles import (
    AREAS,
    ML_ROLE_IDS,
    Role,
    get_role,
    load_roles,
    roles,
    roles_in_area,
)
from paybench.normalize.titles import alias_conflicts

REQUIRED_IDS = (
    "machine-learning-engineer", "mlops-engineer", "ai-engineer", "computer-vision-engineer",
    "nlp-engineer", "data-scientist", "applied-scientist", "research-scientist",
    "data-engineer", "analytics-engineer", "data-analyst", "software-engineer",
    "devops-engineer", "cloud-engineer", "security-engineer", "product-manager",
    "engineering-manager",
)


def test_at_least_110_roles_in_all_eight_areas() -> None:
    table = roles()
    assert len(table) >= 110
    assert AREAS == ("Software", "Data & AI", "Security", "Infrastructure & DevOps", "Mobile",
                     "Functional", "Product & UX", "Executive")
    for area in AREAS:
        assert len(roles_in_area(area)) >= 5, area
    assert {role.area for role in table.values()} == set(AREAS)


def test_required_ids_exist() -> None:
    for role_id in REQUIRED_IDS:
        assert get_role(role_id).id == role_id
    assert get_role("machine-learning-engineer").area == "Data & AI"
    assert get_role("engineering-manager").primary_soc == "11-3021"
    assert get_role("software-engineer").primary_soc == "15-1252"


def test_ml_role_ids_are_roles() -> None:
    assert set(ML_ROLE_IDS) <= set(roles())
    assert {"machine-learning-engineer", "data-scientist", "research-scientist"} <= ML_ROLE_IDS


def test_no_seniority_roles() -> None:
    for role_id in roles():
        assert not role_id.startswith(("senior-", "staff-", "junior-", "lead-", "principal-"))


def test_roles_are_well_formed() -> None:
    for role in roles().values():
        assert isinstance(role, Role)
        assert role.name and role.soc_codes
        assert role.primary_soc == role.soc_codes[0]
        assert len(set(role.aliases)) == len(role.aliases), role.id


def test_no_alias_claimed_by_two_roles() -> None:
    assert alias_conflicts() == {}


def test_soc_codes_exist_in_oews() -> None:
    from paybench.reference.oews import connect

    with connect() as conn:
        known = {row[0] for row in conn.execute("SELECT occupation_code FROM occupation")}
    for role in roles().values():
        for code in role.soc_codes:
            assert code.replace("-", "") in known, f"{role.id}: {code} not in OEWS"


def test_get_role_unknown_raises_input_error_with_hint() -> None:
    with pytest.raises(InputError, match="unknown role 'machine-learning-enginer'; try"):
        get_role("machine-learning-enginer")
    with pytest.raises(InputError):
        roles_in_area("Hardware")


def test_loader_validates() -> None:
    text = resources.files("paybench.data").joinpath("roles.json").read_text(encoding="utf-8")
    data = json.loads(text)
    data["roles"].append(dict(data["roles"][0]))
    with pytest.raises(ValueError, match="duplicate"):
        load_roles(json.dumps(data))
    bad = json.loads(text)
    bad["roles"][0]["area"] = "Hardware"
    with pytest.raises(ValueError, match="unknown area"):
        load_roles(json.dumps(bad))
    bad = json.loads(text)
    bad["roles"][0]["soc_codes"] = ["151252"]
    with pytest.raises(ValueError, match="SOC"):
        load_roles(json.dumps(bad))
