"""A user's script type-checks with ``mypy --strict`` against the installed quotattr (issue 18, item 5).

README installs quotattr with ``pip install -e``; the editable install must be visible to type
checkers (a static path in a ``.pth`` file, ``[tool.setuptools] package-dir`` in pyproject.toml), not
only to the import system (setuptools' default editable finder hook, which mypy cannot follow).
The script runs in a temporary directory, so mypy finds quotattr only through the installation.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

GOOD = """
from __future__ import annotations

from typing import TYPE_CHECKING

import quotattr
from quotattr import Attribution, Extractor, Result, Source
from quotattr.export import to_dataframe


def speaker_names(texts: list[str]) -> list[str]:
    ex = Extractor(models="bundled")
    names: list[str] = []
    for text in texts:
        result: Result = ex(text, doc_id="a")
        for attribution in result.attributions:
            if attribution.speaker is not None and attribution.speaker.name is not None:
                names.append(attribution.speaker.name)
    return names


def first(result: Result) -> Attribution | None:
    return result.attributions[0] if result.attributions else None


def page(text: str) -> str:
    return quotattr.render(quotattr.extract(text))


def audit(results: list[Result]) -> list[Source]:
    return quotattr.sources_table(results)


def table(results: list[Result]) -> int:
    return len(to_dataframe(results))


if TYPE_CHECKING:
    reveal_type(quotattr.extract("text"))
    reveal_type(Extractor()("text"))
    reveal_type(quotattr.render)
    reveal_type(quotattr.sources_table)
    reveal_type(to_dataframe([]))
"""

BAD = """
import quotattr

quotattr.Extractor()(b"raw bytes")
quotattr.extract(42)
quotattr.render("not a result")
"""

ITERATE = """
from typing import TYPE_CHECKING

import quotattr

for attribution in quotattr.extract("text"):
    if TYPE_CHECKING:
        reveal_type(attribution)
"""


def _mypy(tmp_path: Path, **files: str) -> dict[str, list[str]]:
    """Run ``mypy --strict`` on the files (in ``tmp_path``); its output lines per file name."""
    pytest.importorskip("mypy")
    try:
        importlib.metadata.distribution("quotattr")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("quotattr is not installed (pip install -e .): the test checks the installed package")
    for name, source in files.items():
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    command = [
        sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--show-error-codes",
        "--cache-dir", str(tmp_path / ".mypy_cache"), *(f"{name}.py" for name in files),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    lines: dict[str, list[str]] = {name: [] for name in files}
    for line in done.stdout.splitlines():
        name = line.split(".py:", 1)[0]
        lines.setdefault(name, []).append(line)
    assert not done.stderr.strip() or "error" not in done.stderr.lower(), done.stderr
    return lines


def test_a_strict_user_script_type_checks_against_the_installed_package(tmp_path: Path) -> None:
    out = _mypy(tmp_path, good=GOOD, bad=BAD)
    hint = " (is quotattr installed so that mypy can see it? pip install -e . with this pyproject.toml)"
    good_errors = [line for line in out["good"] if ": error:" in line]
    assert not good_errors, "\n".join(good_errors) + hint
    notes = "\n".join(out["good"])
    assert 'Revealed type is "quotattr.model.Result"' in notes
    assert notes.count('Revealed type is "quotattr.model.Result"') == 2
    assert re.search(r"Revealed type is \"def \(result: quotattr.model.Result .*\) -> str\"", notes), notes
    assert "-> list[quotattr.sources.Source]" in notes
    try:  # with pandas' stubs (the dev extra) the frame is a DataFrame to the type checker, not Any
        importlib.metadata.distribution("pandas-stubs")
        assert 'Revealed type is "pandas.core.frame.DataFrame"' in notes, notes
    except importlib.metadata.PackageNotFoundError:
        pass
    bad = "\n".join(out["bad"])
    assert re.search(r"bad\.py:4: error: No overload variant of \"__call__\" of \"Extractor\" matches.*bytes", bad), bad
    assert re.search(r"bad\.py:5: error: No overload variant of \"extract\" matches argument type \"int\"", bad), bad
    assert re.search(r"bad\.py:6: error: Argument 1 to \"render\" has incompatible type \"str\"", bad), bad


def test_iterating_a_result_gives_attributions(tmp_path: Path) -> None:
    out = _mypy(tmp_path, iterate=ITERATE)
    assert 'Revealed type is "quotattr.model.Attribution"' in "\n".join(out["iterate"]), out["iterate"]
