"""End to end: benchmarks/run.py on the seed article through the real pipeline (needs ../shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import run

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.shared


def _gold_as_predictions(gold_path: Path, out: Path) -> None:
    """The seed gold rewritten as a quotattr Result dict: scoring it must give 100 %."""
    g = json.loads(gold_path.read_text(encoding="utf-8"))
    speakers: list[dict[str, Any]] = []
    atts: list[dict[str, Any]] = []
    for i, q in enumerate(g["quotes"]):
        sid = None
        if q.get("speaker"):
            s = q["speaker"]
            sid = f"s{i}"
            speakers.append(
                {
                    "id": sid,
                    "name": s["name"],
                    "kind": s["type"],
                    "rank": s["rank"],
                    "title": s["title"],
                    "organization": s["organization"],
                }
            )
        cue = q.get("cue")
        atts.append(
            {
                "kind": q["kind"],
                "content": [q["content"]],
                "cue": None if cue is None else {**cue, "lemma": cue["text"]},
                "mention": q.get("mention"),
                "speaker": sid,
            }
        )
    out.write_text(json.dumps({"doc_id": g["doc_id"], "speakers": speakers, "attributions": atts}) + "\n")


def test_seed_gold_scores_itself_perfectly(
    shared_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    preds = tmp_path / "pred.jsonl"
    _gold_as_predictions(shared_dir / "seed" / "gold.json", preds)
    out = tmp_path / "r.json"
    assert run.main(["--gold", str(shared_dir / "seed"), "--predictions", str(preds), "--out", str(out)]) == 0
    rep = json.loads(out.read_text())
    assert rep["gold"]["required_quotes"] == 19 and rep["gold"]["optional_quotes"] == 3
    for part in ("content", "cue", "mention"):
        for level, c in rep["accuracy"][part].items():
            assert c["f1"] == 1.0, (part, level, c)
    assert rep["accuracy"]["speaker_fields"]["all"]["accuracy"] == 1.0
    assert "content overlap>0.3" in capsys.readouterr().out


@pytest.mark.pipeline
def test_run_on_seed_with_real_pipeline(
    shared_dir: Path, extractor: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "seed.json"
    code = run.main(
        ["--gold", str(shared_dir / "seed"), "--quick", "--no-progress", "--worst", "1", "--out", str(out)],
        extractor=extractor,
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "ACCURACY" in printed and "SPEED" in printed and str(out) in printed
    rep = json.loads(out.read_text())
    acc = rep["accuracy"]
    assert set(acc["content"]) == {"overlap>0.3", "overlap>0.8", "exact"}
    c = acc["content"]["overlap>0.3"]
    assert c["gold"] == 19 and c["pred"] >= 0 and 0 <= c["tp"] <= 19
    corpus = rep["speed"]["corpus"]
    assert corpus["docs"] == 1 and corpus["words"] > 900 and corpus["total_s"] > 0
    assert rep["speed"]["settings"]["batch_sizes"] and rep["speed"]["peak_rss_mb"] > 0
    assert rep["model_set"]["kind"] == "bundled"
    assert rep["machine"]["cpu_count"] and "commit" in rep["git"]


@pytest.mark.parametrize("how", [["benchmarks/run.py"], ["-m", "benchmarks.run"]])
def test_script_entry_points(how: list[str]) -> None:
    proc = subprocess.run([sys.executable, *how, "--help"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "--gold" in proc.stdout and "--scaling" in proc.stdout
