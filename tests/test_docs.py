"""The documentation runs and builds (issue 18, items 4 and 9).

* Every ```python block of README.md and docs/*.md runs, in order, one namespace per page, in a
  temporary directory that holds the repository's ``examples/`` (so a page may write files). A block
  right after a ``<!-- docs-test: skip -->`` line is left out (none is today); a page whose example
  needs an optional dependency that is not installed (pandas, pyarrow, pyspark) skips. To keep the
  suite fast, ``quotattr.Extractor()`` with default arguments and ``quotattr.extract`` reuse the
  session's pipeline; an Extractor with other arguments (the lexicons example) is built for real.
* The doctests in the package's public modules pass.
* The MkDocs site (with the API reference generated from the docstrings) builds with ``--strict``.
* docs/schema.json ships in the wheel, as quotattr/schema/schema.json.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import importlib.resources
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import quotattr

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
_SKIP = "<!-- docs-test: skip -->"
_OPTIONAL = {"pandas", "pyarrow", "pyspark"}  # an example needing one of these skips where it is missing


def _blocks(page: Path) -> list[tuple[int, str]]:
    """The page's python blocks with their line numbers, without the skipped ones."""
    text = page.read_text(encoding="utf-8")
    out = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        if before.strip() != _SKIP:
            out.append((text.count("\n", 0, match.start()) + 1, match.group(1)))
    return out


@pytest.fixture()
def shared_pipeline(extractor: quotattr.Extractor, monkeypatch: pytest.MonkeyPatch) -> quotattr.Extractor:
    """``Extractor()`` (default arguments) and ``quotattr.extract`` reuse the session's pipeline."""
    from quotattr import extractor as extractor_module

    real = quotattr.Extractor

    def make(*args: Any, **kwargs: Any) -> quotattr.Extractor:
        if not args and kwargs.get("models", "bundled") == "bundled" and set(kwargs) <= {"models"}:
            return extractor
        return real(*args, **kwargs)

    monkeypatch.setattr(quotattr, "Extractor", make)
    monkeypatch.setattr(extractor_module, "_DEFAULT", extractor)
    return extractor


@contextlib.contextmanager
def _in_workdir(path: Path) -> Iterator[None]:
    (path / "examples").symlink_to(REPO / "examples", target_is_directory=True)
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


@pytest.mark.pipeline
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_examples_in_the_docs_run(page: Path, shared_pipeline: quotattr.Extractor, tmp_path: Path) -> None:
    blocks = _blocks(page)
    if not blocks:
        pytest.skip(f"{page.name} has no python examples")
    namespace: dict[str, Any] = {"__name__": f"docs_{page.stem}"}
    with _in_workdir(tmp_path), contextlib.redirect_stdout(io.StringIO()):
        for line, source in blocks:
            try:
                exec(compile(source, f"{page.name}:{line}", "exec"), namespace)
            except ModuleNotFoundError as exc:
                if exc.name not in _OPTIONAL:
                    raise AssertionError(f"the example at {page.name}, line {line}, fails: {exc!r}") from exc
                pytest.skip(f"the example at {page.name}, line {line}, needs {exc.name}, which is not installed")
            except Exception as exc:
                raise AssertionError(f"the example at {page.name}, line {line}, fails: {exc!r}") from exc
    results = [v for v in namespace.values() if isinstance(v, quotattr.Result)]
    assert all(r.error is None for r in results)


@pytest.mark.pipeline
@pytest.mark.parametrize(
    "module", ["quotattr", "quotattr.extractor", "quotattr.render", "quotattr.sources", "quotattr.export"]
)
def test_doctests_of_the_public_modules(module: str, shared_pipeline: quotattr.Extractor) -> None:
    mod = importlib.import_module(module)
    extraglobs = {"Extractor": quotattr.Extractor} if module == "quotattr.extractor" else None
    failures, tried = doctest.testmod(mod, extraglobs=extraglobs, optionflags=doctest.ELLIPSIS, report=True)
    assert tried > 0 and failures == 0, f"{failures} of {tried} doctest examples failed in {module}"


def test_docs_site_builds_strictly(tmp_path: Path) -> None:
    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("mkdocstrings") is None:
        pytest.skip("mkdocs / mkdocstrings are not installed (pip install -e '.[dev]')")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site")]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("Extractor", "sources_table", "render", "to_dataframe", "StanzaDocument"):
        assert name in api, f"{name} is missing from the API reference"
    assert (tmp_path / "site" / "schema.json").is_file()


def test_every_docs_page_is_in_the_site_navigation() -> None:
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    entries = [page for entry in config["nav"] for page in entry.values()]
    assert len(entries) == len(set(entries)), f"a page is listed twice in mkdocs.yml's nav: {entries}"
    listed = set(entries)
    pages = {p.name for p in (REPO / "docs").glob("*.md")}
    assert pages <= listed, f"add these pages to the nav in mkdocs.yml: {sorted(pages - listed)}"


def test_the_packaged_schema_is_docs_schema() -> None:
    docs = (REPO / "docs" / "schema.json").read_bytes()
    packaged = importlib.resources.files("quotattr").joinpath("schema/schema.json").read_bytes()
    assert packaged == docs, "quotattr/schema/schema.json differs: cp docs/schema.json quotattr/schema/schema.json"
    assert json.loads(docs)["$schema"]


def test_the_wheel_ships_the_schema_and_data(tmp_path: Path) -> None:
    """Build a wheel from a copy of the project (without the 54 MB of model weights) and list it."""
    pytest.importorskip("setuptools")
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / "quotattr", src / "quotattr", ignore=shutil.ignore_patterns("__pycache__", "*.pt", "*.pyc"))
    script = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "dist")],
        cwd=src, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    wheel = tmp_path / "dist" / done.stdout.strip().splitlines()[-1]
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "quotattr/schema/schema.json" in names
    assert zipfile.ZipFile(wheel).read("quotattr/schema/schema.json") == (REPO / "docs" / "schema.json").read_bytes()
    for expected in ("quotattr/py.typed", "quotattr/lexicons/data/cues.tsv", "quotattr/models/en/manifest.json"):
        assert expected in names
    assert "quotattr/render.py" in names and "quotattr/sources.py" in names
    assert not any(name.startswith(("tests/", "docs/", "benchmarks/")) for name in names)
