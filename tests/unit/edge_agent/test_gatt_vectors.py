"""Every published vector of ../shared/data/gatt_vectors.json, and every sequence."""

import json
import math
from typing import Any

import pytest

from fitconnect.edge_agent.gatt import (
    DecodeError,
    RevolutionDeriver,
    decode_notification,
    to_expected_dict,
)
from tests.truth_data import SHARED_DATA

DATA = SHARED_DATA
NOT_OUR_LAYOUT = "agree-gss-layout-only"  # the other FTMS layout; FTMS v1.0 applies here


def _load(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    return json.loads(path.read_text()) if path.exists() else []


VECTORS = _load("gatt_vectors.json")
SEQUENCES = _load("gatt_sequences.json")
pytestmark = pytest.mark.skipif(not VECTORS, reason=f"no truth data in {DATA}")


def _id(v: dict[str, Any]) -> str:
    return f"{v['characteristic']}-{v['hex']}-{v['kind']}"


def _close(actual: object, expected: object) -> bool:
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(_close(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, bool | str):
        return actual == expected
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-6)
    return actual == expected


@pytest.mark.parametrize(
    "vector",
    [v for v in VECTORS if v["kind"] != "invalid" and v.get("check") != NOT_OUR_LAYOUT],
    ids=_id,
)
def test_valid_vector_decodes_to_the_published_values(vector: dict[str, Any]) -> None:
    decoded = to_expected_dict(
        decode_notification(vector["characteristic"], bytes.fromhex(vector["hex"]))
    )
    wrong = {
        key: (decoded.get(key), want)
        for key, want in vector["expected"].items()
        if not _close(decoded.get(key), want)
    }
    assert wrong == {}, vector["source_asserts"]


@pytest.mark.parametrize("vector", [v for v in VECTORS if v["kind"] == "invalid"], ids=_id)
def test_invalid_vector_is_rejected_naming_the_characteristic(vector: dict[str, Any]) -> None:
    with pytest.raises(DecodeError) as err:
        decode_notification(vector["characteristic"], bytes.fromhex(vector["hex"]))
    assert err.value.characteristic == vector["characteristic"]
    assert err.value.offset >= 0
    assert f"0x{vector['characteristic']}" in str(err.value)


def test_the_other_ftms_layout_vectors_are_only_the_few_expected() -> None:
    skipped = [v for v in VECTORS if v.get("check") == NOT_OUR_LAYOUT]
    assert len(skipped) == 6
    assert {v["characteristic"] for v in skipped} <= {"2AD2", "2ACD", "2AD1", "2ACE"}


@pytest.mark.parametrize("sequence", SEQUENCES, ids=lambda s: s["name"])
def test_sequence_derives_the_asserted_speed_cadence_and_distance(
    sequence: dict[str, Any],
) -> None:
    deriver = RevolutionDeriver(
        wheel_circumference_m=sequence.get("wheel_circumference_m") or 2.105
    )
    for frame, expected in zip(sequence["frames"], sequence["spec_derived"], strict=True):
        if frame == "RESET":
            deriver.reset()
            continue
        m = decode_notification(sequence["characteristic"], bytes.fromhex(frame))
        derived = deriver.update(m)
        seen = {**to_expected_dict(m), **derived}
        for key, want in expected.items():
            if key == "speed_not_negative":
                assert seen.get("speed_mps", 0.0) >= 0.0
            else:
                assert _close(seen.get(key), want), (frame, key, seen.get(key), want)
    for key, want in (sequence.get("expected_after_last") or {}).items():
        assert _close(seen.get(key), want), (key, seen.get(key), want)
