"""benchmarks/peers.py and its peer worker, without spaCy: entry points, alternation, medians, the
JSON-lines protocol (the worker's spaCy-free ``null`` system) and skipping a missing peer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import peers

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "how", [["benchmarks/peers.py"], ["-m", "benchmarks.peers"], ["benchmarks/peer_worker.py"]], ids=str
)
def test_script_entry_points(how: list[str]) -> None:
    proc = subprocess.run([sys.executable, *how, "--help"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "--spacy-model" in proc.stdout and "--ggt-dir" in proc.stdout


def test_round_order_flips_every_other_round() -> None:
    names = ["quotattr", "textacy", "ggt"]
    assert [peers.round_order(names, r) for r in range(3)] == [names, names[::-1], names]
    assert names == ["quotattr", "textacy", "ggt"]  # not reversed in place


def test_summarize_medians_and_quotes() -> None:
    timings = [peers.Timing(2.0, 4.0, 10, 0), peers.Timing(1.0, 2.0, 10, 0), peers.Timing(4.0, None, 10, 1)]
    s = peers.summarize(1000, timings)
    assert s["words_per_s"] == [500.0, 1000.0, 250.0] and s["median"] == 500.0
    assert s["words_per_cpu_s"] == [250.0, 500.0] and s["cpu_median"] == 375.0  # rounds without CPU time left out
    assert s["quotes"] == [10] and s["failed"] == [0, 1]
    assert peers.summarize(1000, [peers.Timing(1.0, None, 0, 0)])["cpu_median"] is None


def test_peer_problems_name_what_is_missing(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    ggt = tmp_path / "ggt"
    ggt.mkdir()
    py = sys.executable
    assert peers.peer_problems(["quotattr"], None, None, None) == {}
    missing = peers.peer_problems(["textacy", "ggt"], str(tmp_path / "nopython"), str(model), str(ggt))
    assert set(missing) == {"textacy", "ggt"} and "Python not found" in missing["ggt"]
    assert "model directory" in peers.peer_problems(["textacy"], py, str(tmp_path / "nomodel"), None)["textacy"]
    assert peers.peer_problems(["textacy"], py, "en_core_web_md", None) == {}  # a package name is not checked
    assert set(peers.peer_problems(["textacy", "ggt"], py, str(model), str(ggt))) == {"ggt"}
    (ggt / "quote_extractor.py").write_text("")
    assert peers.peer_problems(["textacy", "ggt"], py, str(model), str(ggt)) == {}


def test_worker_protocol_with_the_null_system() -> None:
    texts = ['He said: "We will win this fight." "Yes," she said.', "No quotes here."]
    peer = peers.Peer("null", texts, sys.executable, None, None, dict(os.environ))
    try:
        assert peer.info["load_s"] >= 0 and peer.info["versions"] == {}
        t = peer.run(1, 8)
        assert t.quotes == 2 and t.failed == 0 and t.wall_s >= 0 and t.cpu_s is not None
        assert peer.run(2, 8).cpu_s is None  # the work of worker processes is not this process's CPU time
    finally:
        peer.close()
    assert peer.proc.returncode == 0


def test_worker_that_cannot_load_says_why(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="did not start"):
        peers.Peer("textacy", ["x"], sys.executable, str(tmp_path / "no-model"), None, dict(os.environ))


def test_all_peers_missing_is_a_clean_stop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({"id": "a", "text": "“We will win,” Jane Doe said."}) + "\n", encoding="utf-8")
    code = peers.main([str(gold), "--systems", "textacy,ggt", "--peers-python", str(tmp_path / "nopython")])
    err = capsys.readouterr().err
    assert code == 2
    assert "skipping textacy: peers' Python not found" in err and "skipping ggt" in err and "nothing to measure" in err
