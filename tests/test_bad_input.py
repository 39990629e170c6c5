"""Bad input at the surfaces (issue 14, "Bad input"): schema-valid but unusable values are
422s naming the field over real HTTP and one-line errors in the CLI; misspelled commands and
options are usage errors with a suggestion (exit 2); a full disk says so; long values are
not echoed whole."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from test_api import Server, assert_error, served
from test_cli import run


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, reference_db: Path) -> Iterator[Server]:
    with served(reference_db, tmp_path_factory.mktemp("bad"), "bad") as srv:
        yield srv


@pytest.mark.parametrize(("method", "url", "body", "field"), [
    ("post", "/api/v1/offers/evaluate", {"offers": [{"base": 150000, "vesting": [{}]}]}, "offers.0.vesting"),
    ("post", "/api/v1/offers/evaluate", {"offers": [{"base": True, "role": "ml-engineer"}]}, "offers.0.base"),
    ("post", "/api/v1/offers/evaluate",
     {"offers": [{"base": 150000, "role": "ml-engineer", "cliff_months": False}]}, "offers.0.cliff_months"),
    ("get", "/api/v1/bands?role=llm-engineer&percentile=5e-324", None, "percentile"),
    ("post", "/api/v1/bands", {"role": "llm-engineer", "percentile": 5e-324}, "percentile"),
    ("get", "/api/v1/posting-range?role=llm-engineer&level=mid&place=US&low_pct=1e-300", None, "low_pct"),
    ("post", "/api/v1/estimate", {"title": "ML Engineer", "years_experience": False}, "years_experience"),
    ("post", "/api/v1/estimate", {"title": "ML Engineer", "year": True}, "year"),
    ("post", "/api/v1/contract", {"hourly_rate": True}, "hourly_rate"),
    ("post", "/api/v1/submissions", {"title": "Staff Data Engineer", "place": "Omaha, NE",
                                     "base": 150000, "years_experience": False}, "years_experience"),
    ("post", "/api/v1/submissions", {"title": "Data Engineer", "place": "Omaha, NE", "base": True}, "base"),
    ("post", "/api/v1/submissions", {"title": "Data Engineer", "place": "Omaha, NE", "base": 150000,
                                     "bonus": True}, "bonus"),
    ("post", "/api/v1/submissions", {"title": "Data Engineer", "place": "Omaha, NE", "base": 150000,
                                     "equity_per_year": False}, "equity_per_year"),
    ("post", "/api/v1/roster", {"employees": [{"id": "a", "title": "ML Engineer", "place": "US",
                                               "base": True}]}, "employees.0.base"),
])
def test_schema_valid_but_bad_values_are_422_naming_the_field(
        server: Server, method: str, url: str, body: object, field: str) -> None:
    with server.client() as client:
        response: httpx.Response = (client.post(url, json=body) if method == "post" else client.get(url))
    assert_error(response, 422, field)


@pytest.mark.parametrize(("args", "message"), [
    (("bands", "--role", "llm-engineer", "--percentile", "5e-324"),
     "error: --percentile: percentile 4.94066e-324 must be between 1 and 99"),
    (("offer", "--file", "{offer}"),
     "error: offer.json: vesting: vesting schedule must be a list of numbers"),
    (("bench", "--role", "y" * 5000), "error: --role: unknown role 'yyyyyyyyy"),
])
def test_cli_bad_values_are_one_line(args: tuple[str, ...], message: str, tmp_path: Path,
                                     reference_db: Path) -> None:
    offer = tmp_path / "offer.json"
    offer.write_text('{"base": 150000, "vesting": [{}], "role": "ml-engineer"}', encoding="utf-8")
    proc = run(*[a.format(offer=offer) for a in args], db=reference_db, check=False)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert len(lines[0]) < 200  # a 5,000-character value is cut, not echoed whole


@pytest.mark.parametrize(("args", "message"), [
    (("bench", "--rol", "x"), "error: no such option --rol; did you mean --role?"),
    (("benhc",), "error: No such command 'benhc'. Did you mean 'bench'?"),
])
def test_usage_errors_suggest_and_exit_2(args: tuple[str, ...], message: str) -> None:
    proc = run(*args, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == message


def test_disk_full_is_one_line(tmp_path: Path) -> None:
    # a real ENOSPC: /dev/full refuses every write
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with Path("/dev/full").open("w") as full:
        proc = subprocess.run([sys.executable, "-m", "paybench", "title", "ML Engineer", "--json"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "error: disk full"


def test_admin_ingest_never_echoes_a_file_and_names_a_bad_cell(server: Server, tmp_path: Path) -> None:
    from test_api import TOKEN
    from test_reading_limits import xlsx_with

    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRETHASH:19000:0:99999:7:::\n", encoding="utf-8")
    bomb = xlsx_with(tmp_path, "bomb.xlsx", b"</row>",
                     b'<c r="ZZZZZZZZZZ1" t="inlineStr"><is><t>x</t></is></c></row>')
    with server.client(headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        shadow = assert_error(client.post("/api/v1/admin/ingest", json={"path": str(secret)}), 422)
        cell = assert_error(client.post("/api/v1/admin/ingest", json={"path": str(bomb)}), 422, "path")
    assert "SECRET" not in shadow and "root" not in shadow
    assert "bomb.xlsx: cell 'ZZZZZZZZZZ1' lies beyond column XFD" in cell
