"""The calibration file must fit the features the matcher computes, or nothing is scored."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from service.matching.scoring import (
    CALIBRATION_PATH,
    FEATURES,
    CalibrationError,
    load_calibration,
)


def test_the_shipped_calibration_fits_the_features() -> None:
    data = json.loads(CALIBRATION_PATH.read_text(encoding="utf-8"))
    calibration = load_calibration(CALIBRATION_PATH)
    assert list(data["features"]) == list(FEATURES)
    assert len(calibration.weights) == len(FEATURES)
    assert calibration.accept == data["accept"]


def test_a_file_fitted_for_other_features_fails_loudly(tmp_path: Path) -> None:
    data = json.loads(CALIBRATION_PATH.read_text(encoding="utf-8"))
    data["features"] = [*data["features"][:-1], "a_feature_we_no_longer_compute"]
    stale = tmp_path / "calibration.json"
    stale.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CalibrationError, match="a_feature_we_no_longer_compute"):
        load_calibration(stale)


@pytest.mark.parametrize("content", [None, "{not json", "[]"])
def test_a_missing_or_unreadable_file_fails_loudly(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "calibration.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CalibrationError, match=re.escape("refit it with bench/fit_calibration.py")):
        load_calibration(path)
