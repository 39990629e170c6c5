"""Skills taxonomy, extraction from posting text, and `paybench skills` end to end."""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybench.normalize.skills import CATEGORIES, canonical, extract_skills, skills
from paybench.sources.postings import JOBSPY_COLUMNS


def found(text: str) -> dict[str, str | None]:
    return {m.skill: m.requirement for m in extract_skills(text)}


# ------------------------------------------------------------------ taxonomy

def test_taxonomy_invariants() -> None:
    tax = skills()
    assert len(tax) >= 150
    assert {s.category for s in tax.values()} == set(CATEGORIES)
    owner: dict[str, str] = {}
    for skill in tax.values():
        assert skill.id == skill.id.lower() and " " not in skill.id and skill.name
        assert skill.aliases or skill.context_aliases or skill.case_aliases
        for alias in (*skill.aliases, *skill.case_aliases, *skill.context_aliases):
            key = canonical(alias)
            assert owner.setdefault(key, skill.id) == skill.id, f"{alias!r} in {skill.id} and {owner[key]}"
        for implied in skill.implies:
            assert implied in tax and implied != skill.id


def test_every_category_has_members() -> None:
    counts = {c: sum(s.category == c for s in skills().values()) for c in CATEGORIES}
    assert all(n >= 1 for n in counts.values()), counts
    assert counts["certification"] >= 20 and counts["degree"] >= 3 and counts["genai"] >= 15


# ------------------------------------------------------------------ extraction

@pytest.mark.parametrize(("text", "expected"), [
    ("Python, R, SQL and Julia", {"python", "r", "sql", "julia"}),
    ("Strong programming in R.", {"r"}),
    ("Golang or Rust; Go and Python services", {"go", "rust", "python"}),
    ("PyTorch/torch, TensorFlow (tf.keras), JAX, sklearn, XGBoost, LightGBM",
     {"pytorch", "tensorflow", "jax", "scikit-learn", "xgboost", "lightgbm"}),
    ("k8s, Docker, Terraform, MLflow, Kubeflow, Weights & Biases, SageMaker, Vertex AI",
     {"kubernetes", "docker", "terraform", "mlflow", "kubeflow", "weights-and-biases", "sagemaker",
      "aws", "vertex-ai", "gcp"}),
    ("Retrieval-augmented generation, RAG, LangChain, LlamaIndex, fine tuning LLMs, RLHF, AI agents",
     {"rag", "langchain", "llamaindex", "fine-tuning", "llms", "rlhf", "ai-agents"}),
    ("NLP, computer vision, recommender systems, fraud detection, time series forecasting, "
     "anomaly detection, clustering, causal inference, A/B testing, reinforcement learning",
     {"nlp", "computer-vision", "recommendation-systems", "fraud-detection", "time-series",
      "anomaly-detection", "clustering", "causal-inference", "ab-testing", "reinforcement-learning"}),
    ("C++ and C#; C, C++", {"cpp", "csharp", "c"}),
    ("AWS Certified Machine Learning \u2013 Specialty; Google Professional Data Engineer; DP-100; "
     "AI-102; CKA; TensorFlow Developer Certificate; CISSP; Databricks Certified Machine Learning "
     "Professional",
     {"cert-aws-ml-specialty", "cert-google-data-engineer", "cert-azure-data-scientist",
      "cert-azure-ai-engineer", "cert-cka", "cert-tensorflow-developer", "cert-cissp",
      "cert-databricks-ml"}),
    ("AWS Certified Solutions Architect - Associate", {"cert-aws-solutions-architect", "aws"}),
    ("Experience with Ray (Ray Serve) and Spark", {"ray", "spark"}),
])
def test_extraction_examples(text: str, expected: set[str]) -> None:
    assert expected <= set(found(text)), set(found(text))


@pytest.mark.parametrize("text", [
    "Our R&D team works in Boston, MA.",
    "Go above and beyond for our customers. Ready, set, Go!",
    "Please send your CV and a cover letter.",
    "We use MS Office every day.",
    "Work with Julia, our hiring manager, and Ray from finance.",
    "Beware of recruitment fraud: we never ask for payment.",
    "Benefits: health insurance, PPO and HMO plans, healthcare spending account, 401(k).",
    "Regression testing and QA automation",
    "We make recommendations to leadership and react quickly to change.",
    "Swift delivery and a bedrock of trust; the ideal candidate will excel at the helm.",
    "TF-IDF is a classic weighting scheme.",
    "Series C funding; vitamin C; C-suite",
    "We raised $50M; see https://example.com/python-jobs or mail jobs@pytorch-corp.com",
])
def test_false_positive_guards(text: str) -> None:
    assert found(text) == {}


@pytest.mark.parametrize(("text", "expected"), [
    ("PhD preferred.", {"phd": "preferred"}),
    ("MS or PhD required", {"masters": "required", "phd": "required"}),
    ("Bachelor's degree in CS or equivalent experience", {"bachelors": None}),
    ("Bachelor's degree required, Master's preferred, PhD a plus",
     {"bachelors": "required", "masters": "preferred", "phd": "preferred"}),
    ("BS/MS in Computer Science", {"bachelors": None, "masters": None}),
    ("M.S. or Ph.D. in Statistics required.",
     {"masters": "required", "phd": "required", "statistics": "required"}),
    ("Master\u2019s degree preferred; AWS Certified Machine Learning - Specialty a plus.",
     {"masters": "preferred", "cert-aws-ml-specialty": "preferred", "aws": "preferred"}),
    ("Requirements:\n- Python\n- Docker\n\nNice to have:\n- Kubernetes\n- Go, Rust",
     {"python": "required", "docker": "required", "kubernetes": "preferred", "go": "preferred",
      "rust": "preferred"}),
    ("**Preferred Qualifications**\n- PhD in Machine Learning\n\n**Benefits**\n- Python lunch club",
     {"phd": "preferred", "machine-learning": "preferred", "python": None}),
    ("Must have Python and SQL. Experience with Kubernetes is a plus.",
     {"python": "required", "sql": "required", "kubernetes": "preferred"}),
])
def test_requirement_parsing(text: str, expected: dict[str, str | None]) -> None:
    assert found(text) == expected


def test_result_order_and_dedup() -> None:
    result = extract_skills("Python, then SQL, then Python again (required)")
    assert [m.skill for m in result] == ["python", "sql"]
    assert result[0].requirement == "required"


_PLAIN_ALIASES = sorted({a for s in skills().values() for a in s.aliases if a.isascii()})


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    result = extract_skills(text)
    assert all(m.skill in skills() for m in result)
    assert extract_skills(text) == result  # deterministic


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PLAIN_ALIASES), min_size=1, max_size=6))
def test_plain_aliases_found_any_case(aliases: list[str]) -> None:
    text = "Skills: " + "; ".join(aliases) + "."
    ids = {m.skill for m in extract_skills(text)}
    owners = {next(s.id for s in skills().values() if a in s.aliases) for a in aliases}
    assert owners <= ids
    assert {m.skill for m in extract_skills(text.upper())} == ids
    assert {m.skill for m in extract_skills(text.lower())} == ids


def test_seed_skills_and_requirements_in_taxonomy(seeds_dir: Path) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt")))
    ids = set(found(text))
    expected = {
        "python", "java", "r", "julia", "cpp", "sql", "deep-learning", "nlp", "anomaly-detection",
        "clustering", "cloud-computing", "llms", "fine-tuning", "gpu", "mlops", "ci-cd",
        "model-monitoring", "distributed-training", "feature-store", "ab-testing", "rag",
        "tool-calling", "guardrails", "llm-evaluation", "explainability", "computer-vision",
        "signal-processing", "security-clearance", "pytorch", "tensorflow", "quantization", "docker",
        "kubernetes", "mlflow", "spark", "dbt", "airflow", "kafka", "aws", "gcp", "azure",
        "cert-aws-ml-specialty", "prompt-engineering", "cert-certified-data-scientist",
        "cert-google-ml-engineer", "cert-azure-data-scientist", "cert-ibm-ml", "cert-stanford-ml",
        "masters", "phd", "statistics", "feature-engineering", "distributed-systems",
        "generative-ai", "reinforcement-learning", "scikit-learn", "opencv", "spacy", "nltk",
        "transformers", "keras", "linear-algebra", "kubeflow", "fraud-detection", "time-series",
        "robotics", "predictive-maintenance", "cybersecurity", "data-modeling", "system-design",
        "communication", "problem-solving", "collaboration", "algorithms", "decision-trees",
        "data-labeling", "data-lineage", "model-serving",
    }
    assert expected <= ids, sorted(expected - ids)


# ------------------------------------------------------------------ end to end

def _generated_postings(path: Path, n: int = 700, seed: int = 7) -> None:
    """A JobSpy-layout file of ML-engineer postings where asking for PyTorch pays ~15% more,
    JAX is rare (too few to show a premium), and a fifth of postings post no pay."""
    rng = random.Random(seed)
    cities = ["Seattle, WA, US", "Austin, TX, US", "New York, NY, US", "Boston, MA, US", "Remote"]
    extras = ["SQL", "Docker", "Kubernetes", "AWS", "Spark", "Airflow", "MLflow", "GCP"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(JOBSPY_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for i in range(n):
            pytorch, jax = rng.random() < 0.5, rng.random() < 0.02
            asks = ["Python"] + rng.sample(extras, 3) + (["PyTorch"] if pytorch else []) + (
                ["JAX"] if jax else [])
            mid = rng.lognormvariate(12.0, 0.12) * (1.15 if pytorch else 1.0)
            has_pay = rng.random() < 0.8
            city = cities[i % len(cities)]
            row = {c: "" for c in JOBSPY_COLUMNS}
            row.update({
                "id": f"in-{i:06x}", "site": "indeed", "job_url": f"https://www.indeed.com/viewjob?jk={i:06x}",
                "title": "Machine Learning Engineer", "company": f"Company {i}", "location": city,
                "date_posted": f"2026-03-{1 + i % 28:02d}", "job_type": "fulltime",
                "is_remote": str(city == "Remote"),
                "description": "**Requirements**\n- " + "\n- ".join(asks) + "\n- 3+ years of experience",
            })
            if has_pay:
                row.update({"salary_source": "direct_data", "interval": "yearly", "currency": "USD",
                            "min_amount": f"{round(mid * 0.9, -3):.1f}",
                            "max_amount": f"{round(mid * 1.1, -3):.1f}"})
            writer.writerow(row)


def _run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paybench", *args], capture_output=True, text=True,
                          env={**os.environ, "PAYBENCH_DB": str(db)}, timeout=600)


def test_skills_command_end_to_end(tmp_path: Path, fresh_db: Path) -> None:
    postings = tmp_path / "jobs.csv"
    _generated_postings(postings)
    ingest = _run("ingest", str(postings), db=fresh_db)
    assert ingest.returncode == 0, ingest.stderr
    proc = _run("skills", "--role", "machine-learning-engineer", "--json", db=fresh_db)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["postings"] == 700 and 0 < report["postings_with_pay"] < 700
    by_skill = {s["skill"]: s for s in report["skills"]}
    counts = [s["count"] for s in report["skills"]]
    assert counts == sorted(counts, reverse=True)
    assert by_skill["python"]["share"] == 1.0 and by_skill["python"]["premium_pct"] is None
    pytorch = by_skill["pytorch"]
    assert pytorch["n_with"] >= 20 and pytorch["n_without"] >= 20
    assert pytorch["n_with"] + pytorch["n_without"] == report["postings_with_pay"]
    assert pytorch["premium_pct"] > 5 and pytorch["premium_ci90"][0] > 0
    assert pytorch["premium_ci90"][0] <= pytorch["premium_pct"] <= pytorch["premium_ci90"][1]
    assert pytorch["required"] == pytorch["count"]
    jax = by_skill["jax"]
    assert jax["n_with"] < 20 and jax["premium_pct"] is None and jax["note"] == "n too small"
    sql = by_skill["sql"]
    assert sql["premium_ci90"][0] < 0 < sql["premium_ci90"][1]  # no real effect: interval spans 0
    again = json.loads(_run("skills", "--role", "machine-learning-engineer", "--json", db=fresh_db).stdout)
    assert again["skills"] == report["skills"]  # seeded bootstrap
    seattle = json.loads(_run("skills", "--role", "machine-learning-engineer", "--place", "Seattle, WA",
                              "--json", "--min-n", "5", db=fresh_db).stdout)
    assert seattle["postings"] == 140 and seattle["place"].startswith("Seattle")
    table = _run("skills", "--role", "machine-learning-engineer", "--top", "5", db=fresh_db)
    assert table.returncode == 0 and "PyTorch" in table.stdout and "n too small" in table.stdout
    unknown = _run("skills", "--role", "underwater-welder", db=fresh_db)
    assert unknown.returncode == 1 and unknown.stderr.startswith("error: --role: unknown role")
    none = _run("skills", "--role", "data-engineer", "--json", db=fresh_db)
    assert none.returncode == 1 and "no job postings" in none.stderr


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200)
       | st.text(alphabet="aZ \t\r\f\v\u00a0\u2019\u2018\u2010\u2011\u2012\u2013\u2014\u2015\u2212ÄÉß£",
                 max_size=60))
def test_fast_plain_and_lower_equal_the_translate_tables(text: str) -> None:
    from paybench.normalize import skills as sk

    assert sk.plain_chars(text) == text.translate(sk._PLAIN)
    assert sk.ascii_lower(text) == text.translate(sk._ASCII_LOWER)
