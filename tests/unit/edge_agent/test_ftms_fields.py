"""Every field of every FTMS data characteristic at the specification's type and resolution.

``tests/data/ftms_field_vectors.json`` holds one vector per flag bit of Treadmill, Cross
Trainer, Step Climber, Stair Climber, Rower and Indoor Bike Data (FTMS v1.0 field
definitions): the payload, each field's type and resolution, and the decoded values.
"""

import json
import math
from pathlib import Path
from typing import Any

import pytest

from fitconnect.edge_agent.gatt import decode_notification, encode_measurement, to_expected_dict

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parents[2] / "data" / "ftms_field_vectors.json").read_text()
)["vectors"]
_FLAG_ONLY = frozenset({"movement_direction_backward"})


def _id(v: dict[str, Any]) -> str:
    return f"{v['characteristic_name']}-bit{v['flag_bit']}-{v['fields'][0]['field']}"


@pytest.mark.parametrize("vector", VECTORS, ids=_id)
def test_field_decodes_at_the_specified_resolution_and_encodes_back(
    vector: dict[str, Any],
) -> None:
    payload = bytes.fromhex(vector["hex"])
    decoded = to_expected_dict(decode_notification(vector["characteristic"], payload))
    values = {k: v for k, v in decoded.items() if k not in _FLAG_ONLY}
    assert values.keys() == vector["expected"].keys()
    for name, want in vector["expected"].items():
        assert math.isclose(float(values[name]), want, abs_tol=1e-9), (name, values[name], want)
    assert encode_measurement(decode_notification(vector["characteristic"], payload)) == payload


def test_every_ftms_data_characteristic_and_flag_has_a_vector() -> None:
    bits = {(v["characteristic"], v["flag_bit"]) for v in VECTORS}
    flag_bits = {"2ACD": 13, "2ACE": 15, "2ACF": 9, "2AD0": 10, "2AD1": 13, "2AD2": 13}
    assert bits == {(c, b) for c, n in flag_bits.items() for b in range(n)}


def test_cross_trainer_resistance_is_in_tenths_unlike_bike_and_rower() -> None:
    """Raw 60 is level 6.0 on a cross trainer, level 60 on an indoor bike or a rower."""
    level = {
        v["characteristic"]: v["expected"]["resistance_level"]
        for v in VECTORS
        if "resistance_level" in v["expected"]
    }
    assert level == {"2ACE": 6.0, "2AD1": 60, "2AD2": 60}
    cross = decode_notification("2ACE", bytes.fromhex("8100003c00"))
    assert cross["resistance_level"] == pytest.approx(6.0)
