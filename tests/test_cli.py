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


# -- corpora, resuming, output checks (issue 17, 18) -----------------------------------------------------

UNNAMED = "The spokesman said the talks had failed, according to a statement.\n"


def _jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_output_usage_errors(tmp_path, files, capsys) -> None:  # type: ignore[no-untyped-def]
    for target, message in (
        (tmp_path / "no" / "such" / "out.jsonl", "does not exist"),
        (tmp_path, "is a directory"),
    ):
        code, _, err = run(["extract", "-o", str(target), str(files["good"])], capsys)
        assert code == cli.EXIT_USAGE and message in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1
    code, _, err = run(["extract", "--format", "parquet", str(files["good"])], capsys)
    assert code == cli.EXIT_USAGE and "-o PATH" in err
    code, _, err = run(["extract", "--resume", str(files["good"])], capsys)
    assert code == cli.EXIT_USAGE and "--resume needs -o" in err
    code, _, err = run(
        ["extract", "--resume", "--format", "table", "-o", str(tmp_path / "t"), str(files["good"])], capsys
    )
    assert code == cli.EXIT_USAGE and "--resume works with" in err
    with pytest.raises(SystemExit) as exc:
        cli.main(["extract", "--timeout", "0", str(files["good"])])
    assert exc.value.code == cli.EXIT_USAGE


@pytest.mark.pipeline
def test_binary_files_are_refused(use_session_extractor, files, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"It said: " + b"\x00\x01\x02" * 50)
    for encoding in ("utf-8", "latin-1"):
        code, out, err = run(["extract", "--encoding", encoding, str(png), str(nul), str(files["good"])], capsys)
        assert code == cli.EXIT_FAILED_DOCS
        lines = _jsonl(out)
        assert lines[0]["error"] == "binary file (a PNG image), not text"
        assert str(lines[1]["error"]).startswith("binary file (NUL byte at offset 9)")
        assert lines[2]["error"] is None and lines[2]["attributions"]
        assert "2 of 3 inputs failed" in err


@pytest.mark.pipeline
def test_folder_recursive_with_glob(use_session_extractor, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "corpus"
    (root / "b" / "c").mkdir(parents=True)
    (root / "a.txt").write_text(GOOD, encoding="utf-8")
    (root / "b" / "c" / "d.txt").write_text(OTHER, encoding="utf-8")
    (root / "b" / "notes.md").write_text(GOOD, encoding="utf-8")
    code, out, err = run(["extract", "--no-text", str(root)], capsys)
    assert code == 0, err
    assert [d["doc_id"] for d in _jsonl(out)] == [str(root / "a.txt"), str(root / "b" / "c" / "d.txt")]
    code, out, _ = run(["extract", "--no-text", "--glob", "*.md", str(root)], capsys)
    assert [d["doc_id"] for d in _jsonl(out)] == [str(root / "b" / "notes.md")]
    code, out, _ = run(["extract", "--glob", "*.rst", str(root)], capsys)
    assert code == cli.EXIT_FAILED_DOCS and "no file matching '*.rst'" in _jsonl(out)[0]["error"]  # type: ignore[operator]


@pytest.mark.pipeline
def test_jsonl_csv_and_parquet_corpora(use_session_extractor, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = [{"key": "k1", "body": GOOD}, {"key": 7, "body": OTHER}, {"body": UNNAMED}]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(json.dumps(r) for r in records) + '\nnot json\n{"key": "k9", "other": 1}\n', encoding="utf-8"
    )
    argv = ["extract", "--no-text", "--text-column", "body", "--id-column", "key", str(source)]
    code, out, err = run(argv, capsys)
    lines = _jsonl(out)
    assert code == cli.EXIT_FAILED_DOCS
    assert [d["doc_id"] for d in lines] == ["k1", "7", f"{source}#2", f"{source}#3", "k9"]
    assert lines[0]["attributions"] and lines[2]["error"] is None
    assert "not JSON" in str(lines[3]["error"]) and "no 'body' field" in str(lines[4]["error"])

    table = tmp_path / "in.csv"
    with table.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "text"])
        writer.writerow(["c1", GOOD])
        writer.writerow(["c2", OTHER])
    parquet_in = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["p1", "p2"], "text": [GOOD, "Nothing here."]}), parquet_in)
    target = tmp_path / "out.parquet"
    code, out, err = run(["extract", "--format", "parquet", "-o", str(target), str(table), str(parquet_in)], capsys)
    assert code == 0, err
    rows = pq.read_table(target).to_pylist()
    assert {r["doc_id"] for r in rows} == {"c1", "c2", "p1", "p2"}
    assert [r["status"] for r in rows if r["doc_id"] == "p2"] == ["empty"]
    ok = [r for r in rows if r["status"] == "ok"]
    assert ok and all(r["kind"] and r["content"] for r in ok)
    assert not (tmp_path / "out.parquet.parts").exists()


def _expect_once(ids: list[object], expected: list[str]) -> None:
    assert sorted(set(ids), key=str) == sorted(expected) and len(ids) == len(set(ids)), ids


@pytest.mark.pipeline
def test_resume_jsonl_and_csv(use_session_extractor, files, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    inputs = [str(files["good"]), str(files["other"]), str(files["empty"])]
    target = tmp_path / "out.jsonl"
    code, _, _ = run(["extract", "--no-text", "-o", str(target), inputs[0]], capsys)
    assert code == 0
    with target.open("a", encoding="utf-8") as stream:  # a job killed while writing its second line
        stream.write('{"schema_version": 2, "doc_id": "' + inputs[1] + '", "attrib')
    code, _, err = run(["extract", "--no-text", "--resume", "-o", str(target), *inputs], capsys)
    assert code == 0, err
    assert "1 documents already in" in err
    _expect_once([d["doc_id"] for d in _jsonl(target.read_text(encoding="utf-8"))], inputs)

    target = tmp_path / "out.csv"
    code, _, _ = run(["extract", "--format", "csv", "-o", str(target), inputs[0], inputs[1]], capsys)
    before = list(csv.DictReader(target.open(encoding="utf-8")))
    with target.open("a", encoding="utf-8") as stream:  # a row cut short
        stream.write(f'{inputs[1]},indirect,"40 people were')
    code, _, err = run(["extract", "--format", "csv", "--resume", "-o", str(target), *inputs], capsys)
    assert code == 0, err
    after = list(csv.DictReader(target.open(encoding="utf-8")))
    assert after == before  # the last document's rows were redone, nothing twice, header once


@pytest.mark.pipeline
def test_resume_parquet_after_a_kill(use_session_extractor, files, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq

    from quotattr.corpus import open_writer

    inputs = [str(files["good"]), str(files["other"]), str(files["empty"])]
    target = tmp_path / "out.parquet"
    writer = open_writer("parquet", target)
    writer.write(use_session_extractor(GOOD, doc_id=inputs[0]))
    writer._flush()  # type: ignore[attr-defined]  # one complete part, then the job is killed
    (tmp_path / "out.parquet.parts" / "part-000001.parquet.tmp").write_bytes(b"PAR1 cut short")
    assert not target.exists()
    code, _, err = run(["extract", "--format", "parquet", "--resume", "-o", str(target), *inputs], capsys)
    assert code == 0, err
    _expect_once(sorted({r["doc_id"] for r in pq.read_table(target).to_pylist()}), inputs)
    ids = [r["doc_id"] for r in pq.read_table(target).to_pylist() if r["status"] != "ok"]
    assert ids == [inputs[2]]  # the empty document has its status row, the others their attributions
    code, _, err = run(["extract", "--format", "parquet", "--resume", "-o", str(target), *inputs], capsys)
    assert code == 0 and "3 documents already in" in err  # a finished job: nothing to redo
    assert len(pq.read_table(target)) == len(pq.read_table(target).to_pylist())


@pytest.mark.pipeline
def test_table_view(use_session_extractor, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    long_quote = (
        '"' + " ".join(["We will rebuild every bridge and every road in this county"] * 4) + '," Jane Doe said.\n'
    )
    path = tmp_path / "long.txt"
    path.write_text(long_quote + UNNAMED, encoding="utf-8")
    target = tmp_path / "table.txt"
    code, _, err = run(["extract", "--format", "table", "-o", str(target), str(path)], capsys)
    assert code == 0, err
    out = target.read_text(encoding="utf-8")
    header = next(line for line in out.splitlines() if line.startswith("quote"))
    assert header.split() == ["quote", "kind", "cue", "speaker", "rank", "title", "organization", "conf"]
    assert long_quote.split(" Jane")[0] in out  # not clipped when written to a file
    other = tmp_path / "unnamed.txt"
    other.write_text("Officials said the talks had failed.\n", encoding="utf-8")
    code, out, _ = run(["extract", "--format", "table", str(other)], capsys)
    (attribution,) = use_session_extractor(other.read_text(encoding="utf-8")).attributions
    assert attribution.speaker is None or attribution.speaker.kind.value == "unnamed"  # an unnamed source ...
    assert attribution.mention is not None and f"({attribution.mention.text})" in out  # ... shown as written


@pytest.mark.pipeline
def test_html_and_sources(use_session_extractor, files, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "page.html"
    code, _, err = run(
        ["extract", "--format", "html", "-o", str(page), str(files["good"]), str(files["other"])], capsys
    )
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("<!DOCTYPE html>") == 1
    assert "Jane Doe" in html and "ministry" in html

    code, out, err = run(["sources", str(files["good"]), str(files["other"])], capsys)
    assert code == 0, err
    assert out.splitlines()[0].split() == [
        *("name", "kind", "rank", "title", "organization", "gender", "documents", "attributions"),
        *("direct", "indirect", "mixed"),
    ]
    assert any(line.startswith("Jane Doe") for line in out.splitlines())
    results = tmp_path / "results.jsonl"
    assert run(["extract", "-o", str(results), str(files["good"])], capsys)[0] == 0
    code, out, err = run(["sources", "--input-format", "results", "--format", "jsonl", str(results)], capsys)
    assert code == 0, err
    rows = _jsonl(out)
    assert rows[0]["name"] == "Jane Doe" and rows[0]["direct"] == 1 and rows[0]["documents"] == 1
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "sources.parquet"
    code, _, err = run(
        ["sources", "--input-format", "results", "-f", "parquet", "-o", str(target), str(results)], capsys
    )
    assert code == 0, err
    assert pq.read_table(target).to_pylist() == rows


@pytest.mark.pipeline
def test_learned_option_turns_on_the_learned_class(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """`--learned` builds an Extractor with the opt-in class: a belief becomes an attribution."""
    path = tmp_path / "belief.txt"
    path.write_text("Mayor Lena Ortiz believes the harbour plan will create hundreds of jobs.\n", encoding="utf-8")
    code, out, err = run(["extract", "--threads", "1", "--learned", str(path)], capsys)
    assert code == 0, err
    (a,) = json.loads(out)["attributions"]
    assert a["sieve"] == "learned" and a["cue"]["text"] == "believes"
    assert a["content"][0]["text"] == "the harbour plan will create hundreds of jobs"
    code, out, err = run(["extract", "--threads", "1", str(path)], capsys)
    assert code == 0, err
    assert json.loads(out)["attributions"] == []  # off by default
