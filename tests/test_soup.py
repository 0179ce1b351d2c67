"""quotattr.models.soup: weight averaging of models fine-tuned from one start (hand-built state
dicts; the recipe's real use is measured in docs/models.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from quotattr.models.soup import SoupError, average_models, main


def _model(w: list[float], steps: int = 3, vocab: str = "v1", dtype: torch.dtype = torch.float32) -> dict[str, Any]:
    return {
        "model": {"w": torch.tensor(w, dtype=dtype), "steps": torch.tensor([steps])},
        "vocab": {"word": vocab},
        "config": {"name": "first" if steps == 3 else "other"},
    }


def test_mean_of_float_weights_rest_from_the_first() -> None:
    soup = average_models([_model([1.0, 2.0]), _model([3.0, 6.0], steps=7), _model([2.0, 1.0], steps=9)])
    assert torch.allclose(soup["model"]["w"], torch.tensor([2.0, 3.0]))
    assert soup["model"]["steps"].tolist() == [3]  # integer tensors are not averaged
    assert soup["config"] == {"name": "first"}


def test_dtype_of_the_first_model_averaged_in_float32() -> None:
    soup = average_models([_model([1.0, 2.0], dtype=torch.float16), _model([2.0, 4.0])])
    assert soup["model"]["w"].dtype == torch.float16
    assert soup["model"]["w"].tolist() == [1.5, 3.0]


@pytest.mark.parametrize(
    ("other", "message"),
    [
        (_model([1.0, 2.0], vocab="v2"), "another vocabulary"),
        ({"model": {"w": torch.zeros(2)}, "vocab": {"word": "v1"}}, "other parameters"),
        (_model([1.0, 2.0, 3.0]), r"w is \(3,\), not \(2,\)"),
    ],
)
def test_models_that_do_not_fit_are_refused(other: dict[str, Any], message: str) -> None:
    with pytest.raises(SoupError, match=message):
        average_models([_model([1.0, 2.0]), other])


def test_one_model_is_not_a_soup() -> None:
    with pytest.raises(SoupError, match="at least two"):
        average_models([_model([1.0])])


def test_cli_writes_the_soup_and_refuses_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b, c = tmp_path / "a.pt", tmp_path / "b.pt", tmp_path / "c.pt"
    torch.save(_model([0.0, 4.0]), a)
    torch.save(_model([2.0, 0.0]), b)
    torch.save(_model([2.0, 0.0], vocab="v2"), c)
    out = tmp_path / "out" / "soup.pt"
    assert main([str(out), str(a), str(b)]) == 0
    assert torch.load(out, weights_only=False)["model"]["w"].tolist() == [1.0, 2.0]
    assert main([str(tmp_path / "bad.pt"), str(a), str(c)]) == 2
    assert "another vocabulary" in capsys.readouterr().err
    assert not (tmp_path / "bad.pt").exists()
