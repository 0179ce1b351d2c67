"""The command line, in-process on the session's real Extractor, plus a few real subprocess runs."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quotattr import cli
from quotattr.export import COLUMNS
from quotattr.model import Result

REPO = Path(__file__).resolve().parent.parent
GOOD = '"We will win," Jane Doe, the party spokeswoman, told reporters.\n'
OTHER = "According to the ministry, 40 people were injured.\n"


@pytest.fixture
def use_session_extractor(extractor, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The CLI's extractor is the session's real one (no second model load per test)."""
    monkeypatch.setattr(cli, "_load_extractor", lambda args: extractor)
    return extractor


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "good": tmp_path / "good.txt",
        "other": tmp_path / "other.txt",
        "empty": tmp_path / "empty.txt",
        "latin1": tmp_path / "latin1.txt",
    }
    paths["good"].write_text(GOOD, encoding="utf-8")
    paths["other"].write_text(OTHER, encoding="utf-8")
    paths["empty"].write_text("", encoding="utf-8")
    paths["latin1"].write_bytes("Le maire a dit « café » hier.\n".encode("latin-1"))
    return paths


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.pipeline
def test_jsonl_one_object_per_document(use_session_extractor, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(["extract", str(files["good"]), str(files["other"])], capsys)
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [d["doc_id"] for d in lines] == [str(files["good"]), str(files["other"])]
    assert lines[0]["text"] == GOOD
    rebuilt = Result.from_dict(lines[0])
    assert rebuilt.to_dict() == lines[0]


@pytest.mark.pipeline
def test_no_text(use_session_extractor, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["extract", "--no-text", str(files["good"])], capsys)
    data = json.loads(out)
    assert code == 0 and "text" not in data
    assert Result.from_dict(data, text=GOOD).text == GOOD


@pytest.mark.pipeline
def test_csv_rows(use_session_extractor, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["extract", "--format", "csv", str(files["good"]), str(files["other"])], capsys)
    assert code == 0
    assert out.splitlines()[0].split(",") == list(COLUMNS)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert all(r["doc_id"] in (str(files["good"]), str(files["other"])) for r in rows)


@pytest.mark.pipeline
def test_table(use_session_extractor, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["extract", "--format", "table", str(files["good"])], capsys)
    assert code == 0
    assert f"== {files['good']}:" in out


@pytest.mark.pipeline
@pytest.mark.shared
def test_table_on_the_seed(use_session_extractor, shared_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["extract", "--format", "table", str(shared_dir / "seed" / "article.txt")], capsys)
    assert code == 0
    header = next(line for line in out.splitlines() if line.startswith("quote"))
    for column in ("kind", "cue", "speaker", "rank", "title", "organization"):
        assert column in header
    assert "Barzani" in out


@pytest.mark.pipeline
def test_missing_and_undecodable_files(use_session_extractor, files, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"Valid start, then \xff\xfe invalid UTF-8.")
    missing = tmp_path / "missing.txt"
    argv = ["extract", str(files["good"]), str(missing), str(broken), str(files["other"])]
    code, out, err = run(argv, capsys)
    assert code == cli.EXIT_FAILED_DOCS
    lines = [json.loads(line) for line in out.splitlines()]
    assert [d["doc_id"] for d in lines] == argv[1:]  # failures keep their place in the output
    assert lines[0]["error"] is None and lines[3]["error"] is None
    assert lines[1]["error"] == "no such file"
    assert "cannot decode as utf-8" in lines[2]["error"]
    assert "2 of 4 inputs failed" in err
    assert f"{missing}: no such file" in err
    assert f"{broken}: cannot decode as utf-8: byte 0xff at offset 18" in err


@pytest.mark.pipeline
def test_encoding_option(use_session_extractor, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(["extract", str(files["latin1"])], capsys)
    assert code == 1 and "--encoding" in err
    code, out, err = run(["extract", "--encoding", "latin-1", str(files["latin1"])], capsys)
    assert code == 0, err
    assert "« café »" in json.loads(out)["text"]
    code, _, err = run(["extract", "--encoding", "no-such-codec", str(files["good"])], capsys)
    assert code == cli.EXIT_USAGE and "unknown encoding" in err


@pytest.mark.pipeline
def test_empty_input_warns(use_session_extractor, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(["extract", str(files["empty"])], capsys)
    assert code == 0
    assert f"{files['empty']}: empty input" in err
    assert json.loads(out)["attributions"] == []


@pytest.mark.pipeline
def test_stdin(use_session_extractor, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD.encode("utf-8"))))
    code, out, _ = run(["extract", "-"], capsys)
    assert code == 0
    assert json.loads(out)["doc_id"] == "<stdin>"


@pytest.mark.pipeline
def test_output_file(use_session_extractor, files, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.jsonl"
    code, out, _ = run(["extract", "-o", str(target), str(files["good"])], capsys)
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["text"] == GOOD


def test_usage_errors(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exc:
        cli.main(["extract"])
    assert exc.value.code == cli.EXIT_USAGE
    with pytest.raises(SystemExit) as exc:
        cli.main(["extract", "--batch-size", "0", "x.txt"])
    assert exc.value.code == cli.EXIT_USAGE
    assert cli.main(["extract", "-", "-"]) == cli.EXIT_USAGE


def test_bad_model_set(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(["extract", "--models", str(tmp_path / "nowhere"), "x.txt"], capsys)
    assert code == cli.EXIT_MODELS and "cannot load the model set" in err


def test_info(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["info", "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert {"quotattr", "stanza", "torch", "python"} <= set(data)
    assert data["model_set"]["kind"] == "bundled"
    assert "tokenize" in data["model_set"]["scores"]
    code, out, _ = run(["info"], capsys)
    assert code == 0 and "model set" in out and "stanza" in out


def _subprocess(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "quotattr", *args], input=stdin, capture_output=True, env=env, timeout=600
    )


def test_python_dash_m_info() -> None:
    proc = _subprocess("info")
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"quotattr" in proc.stdout and b"bundled" in proc.stdout


@pytest.mark.pipeline
def test_python_dash_m_extract_stdin() -> None:
    proc = _subprocess("extract", "--format", "csv", "-", stdin=GOOD.encode("utf-8"))
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().splitlines()[0].startswith("doc_id,kind,content")
    assert b"Warning" not in proc.stderr
