"""Hostile and broken input files (issue 14, "Bad input"): reading is bounded in memory
(peak RSS of a real `paybench ingest` process), over-long lines and absurd xlsx cells are
named by line or cell, a stray quote loses nothing silently, and no error echoes a file."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import SURVEY_HEADER
from paybench.sources import tabular

GIB = 1 << 30
SURVEY = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "aijobs" / "salaries.csv"
LCA_HEADER = ["CASE_NUMBER", "CASE_STATUS", "JOB_TITLE", "EMPLOYER_NAME", "SOC_CODE",
              "WAGE_RATE_OF_PAY_FROM", "WAGE_UNIT_OF_PAY"]


def ingest_peak(path: Path, db: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run `paybench ingest path` in a child process: (its result, its peak RSS in bytes).
    The child runs under a 3 GiB address-space limit, so a regression fails fast instead
    of swapping the machine."""
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)); "
              "from paybench.cli import main; sys.argv = ['paybench', 'ingest', sys.argv[1]]; main()")
    env = {**os.environ, "PAYBENCH_DB": str(db)}
    pid = os.fork()
    if pid == 0:  # a fresh child, so RUSAGE_CHILDREN measures only it
        out = os.open(str(db) + ".out", os.O_WRONLY | os.O_CREAT)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.execve(sys.executable, [sys.executable, "-c", script, str(path)], env)
    _pid, status, usage = os.wait4(pid, 0)
    output = Path(str(db) + ".out").read_text(encoding="utf-8", errors="replace")
    proc = subprocess.CompletedProcess([], os.waitstatus_to_exitcode(status), output, output)
    return proc, usage.ru_maxrss * 1024


def xlsx_with(tmp_path: Path, name: str, old: bytes, new: bytes) -> Path:
    """A small LCA-headed workbook whose sheet XML has `old` replaced by `new`."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(LCA_HEADER)
    sheet.append(["I-200-1", "Certified", "Data Engineer", "Acme", "15-1252", 120000, "Year"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.namelist():
            data = src.read(item)
            if item == "xl/worksheets/sheet1.xml":
                assert old in data
                data = data.replace(old, new, 1)
            dst.writestr(item, data)
    return path


def test_xlsx_cell_beyond_excel_limits_is_named_not_read(tmp_path: Path) -> None:
    # a 1.5 KB workbook whose header has a cell at ZZZZZZZZZZ1 asked for 10^14 cells
    bomb = xlsx_with(tmp_path, "bomb.xlsx", b"</row>",
                     b'<c r="ZZZZZZZZZZ1" t="inlineStr"><is><t>x</t></is></c></row>')
    assert bomb.stat().st_size < 8000
    proc, peak = ingest_peak(bomb, tmp_path / "s.duckdb")
    assert proc.returncode == 1, proc.stdout
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1 and "internal error" not in lines[0]
    assert "bomb.xlsx: cell 'ZZZZZZZZZZ1' lies beyond column XFD" in lines[0]
    assert peak <= GIB, f"peak RSS {peak / 2**20:.0f} MiB"


@pytest.mark.parametrize(("old", "new", "message"), [
    (b'<row r="2"', b'<row r="999999999"', "row '999999999' lies beyond row 1,048,576"),
    (b"</row>", b'<c r="XFE1"><v>1</v></c></row>', "cell 'XFE1' lies beyond column XFD"),
    (b'<row r="2"', b'<row r="2" ' + b'x="' + b"y" * (2 << 20) + b'"', "more than 1,048,576 bytes"),
    (b'<c r="A2"', b'<c r="A2" t="s"><v>999</v></c><c r="Z2"', "names a shared string the workbook lacks"),
])
def test_xlsx_absurd_rows_and_cells_are_one_line_errors(tmp_path: Path, old: bytes, new: bytes,
                                                        message: str) -> None:
    from paybench.errors import InputError

    path = xlsx_with(tmp_path, "odd.xlsx", old, new)
    with pytest.raises(InputError, match="odd.xlsx: .*" + message.replace("(", r"\(")):
        list(tabular.xlsx_rows(path))


def test_xlsx_huge_dimension_is_harmless(tmp_path: Path) -> None:
    path = xlsx_with(tmp_path, "dim.xlsx", b'<dimension ref="A1:G2" />', b'<dimension ref="A1:XFD1048576" />')
    rows = list(tabular.xlsx_rows(path))
    assert [number for number, _values in rows] == [1, 2] and len(rows[1][1]) == len(LCA_HEADER)


def test_overlong_csv_line_is_quarantined_in_bounded_memory(tmp_path: Path) -> None:
    # a data line four times MAX_LINE_CHARS (the 1 GB line is measured by
    # benchmarks/reading_limits.py): skipped in chunks, quarantined by its line, the rows
    # around it kept
    path = tmp_path / "long.csv"
    row = "2024,SE,FT,Data Engineer,150000,USD,150000,US,100,US,M\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(SURVEY_HEADER + "\n" + row)
        handle.write("x" * (4 * tabular.MAX_LINE_CHARS) + "\n")
        handle.write(row.replace("150000", "151000"))
    proc, peak = ingest_peak(path, tmp_path / "s.duckdb")
    assert proc.returncode == 0, proc.stdout
    assert "read 3 rows, kept 2, quarantined 1" in proc.stdout
    assert peak <= GIB
    from paybench.store import Store
    with Store(tmp_path / "s.duckdb") as store:
        reasons = store.query("SELECT reason, raw FROM quarantine")
    assert reasons["reason"].tolist() == ["line 3 is longer than 1,048,576 characters"]
    assert reasons["raw"].tolist() == [""]


def test_overlong_header_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("a," * tabular.MAX_LINE_CHARS + "\n1\n", encoding="utf-8")
    proc, peak = ingest_peak(path, tmp_path / "s.duckdb")
    assert proc.returncode == 1 and peak <= GIB
    assert proc.stdout.strip() == (
        "error: wide.csv: line 1 (the header) is longer than 1,048,576 characters; "
        "not a CSV file with a header row")


def test_stray_quote_is_quarantined_by_line_and_the_rest_is_read(tmp_path: Path) -> None:
    from paybench.ingest import ingest_file
    from paybench.store import Store

    lines = SURVEY.read_text(encoding="utf-8").splitlines()[:2001]
    fields = lines[2].split(",")
    fields[3] = '"' + fields[3]  # `"Data Engineer,...` in data row 2
    lines[2] = ",".join(fields)
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest_file(store, path)
        reasons = store.query("SELECT row_number, reason FROM quarantine")
    assert result.rows_read == 2000 == result.rows_kept + result.rows_quarantined + result.rows_skipped
    assert result.rows_quarantined >= 1
    assert reasons.iloc[0].tolist() == [2, "unterminated quote: the field quoted on line 3 does not close"]


def test_quoted_fields_may_still_span_lines(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text('a,b,c\n1,"two\nlines",3\n4,5,6\n7,"open,8\n', encoding="utf-8")
    header, records = tabular.csv_records(path)
    assert header == ["a", "b", "c"]
    assert list(records) == [
        (2, ["1", "two\nlines", "3"], '1,"two\nlines",3'), (4, ["4", "5", "6"], "4,5,6"),
        (5, "unterminated quote: the field quoted on line 5 does not close", '7,"open,8')]


def test_errors_never_echo_the_file(tmp_path: Path) -> None:
    from paybench.errors import InputError
    from paybench.ingest import ingest_file
    from paybench.store import Store

    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRETHASH:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n")
    program = tmp_path / "tool.bin"
    program.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4)
    blob = tmp_path / "blob.dat"
    blob.write_bytes(b"SECRET\x00\x01\x02" * 100)
    with Store(tmp_path / "s.duckdb") as store:
        messages = []
        for path in (secret, program, blob):
            with pytest.raises(InputError) as caught:
                ingest_file(store, path)
            messages.append(caught.value.message)
    assert all("SECRET" not in m and "root" not in m for m in messages), messages
    assert "is not the header row of a known layout" in messages[0]
    assert messages[1] == "tool.bin: not a CSV, JSON or xlsx file (a program)"
    assert messages[2] == "blob.dat: not a CSV, JSON or xlsx file (binary data)"


def test_a_workbook_with_another_name_is_named_as_one(tmp_path: Path, shared_data: Path) -> None:
    """A real OEWS workbook saved as .csv is named as an xlsx workbook to rename, not as 'a zip
    archive'; a zip that is not a workbook stays a zip archive; a header of no known layout
    points at --map."""
    import shutil
    import zipfile

    from paybench.errors import InputError
    from paybench.ingest import ingest_file
    from paybench.store import Store

    workbook = shared_data / "oews" / "national_M2020_dl.xlsx"
    renamed = tmp_path / "national.csv"
    shutil.copyfile(workbook, renamed)
    other = tmp_path / "bundle.csv"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("a.txt", "x")
    unknown = tmp_path / "weird.csv"
    unknown.write_text("foo,bar,baz\n1,2,3\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        messages = []
        for path in (renamed, other, unknown):
            with pytest.raises(InputError) as caught:
                ingest_file(store, path)
            messages.append(caught.value.message)
    assert messages[0] == "national.csv: an xlsx workbook named .csv; rename it to .xlsx"
    assert messages[1] == "bundle.csv: not a CSV, JSON or xlsx file (a zip archive)"
    assert messages[2].endswith("or for job postings in another layout name their columns with --map")
