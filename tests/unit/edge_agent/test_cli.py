"""``fitconnect-edge``: wrong input gets a sentence that says what is wrong, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from fitconnect.edge_agent.config import load_config

ROOT = Path(__file__).resolve().parents[3]
TENANT = "4a1f6c2e-8a0b-4d6c-9f3e-2b7d1c5e8a90"
DEVICE = "9c2e5a1e-3b7f-4c2d-8e6a-1f0b9d4c7e21"


def _edge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fitconnect.edge_agent", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_decode_says_an_odd_length_is_odd_not_that_it_is_not_hex() -> None:
    result = _edge("decode", "--char", "2A37", "123", "zz", "0050")
    lines = result.stdout.splitlines()
    assert result.returncode == 2
    assert "odd number of hex digits (3)" in lines[0]
    assert "not hex: 'zz'" in lines[1]
    assert '"heart_rate_bpm": 80' in lines[2]


def test_replay_of_a_file_that_is_not_fit_is_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "notes.fit"
    path.write_text("these are my notes, not a FIT file\n")
    result = _edge(
        "replay", str(path), "--broker", "mqtt://127.0.0.1:1", "--tenant", TENANT,
        "--device", DEVICE, "--buffer-path", str(tmp_path / "b.sqlite"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "notes.fit is not a readable FIT file" in result.stderr


def test_the_example_configuration_is_valid() -> None:
    config = load_config(ROOT / "deploy" / "edge" / "edge.example.toml")
    assert [d.source for d in config.devices] == ["ble", "ble"]


GOOD = f'broker = "mqtt://u:p@host:1883"\ntenant = "{TENANT}"\n'
BLE = f'[[devices]]\nid = "{DEVICE}"\nsource = "ble"\naddress = "C7:1A:4B:22:9E:01"\n'


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (GOOD.replace("mqtt://", "http://") + BLE, "broker:"),
        (GOOD.replace(TENANT, "acme") + BLE, "tenant:"),
        (GOOD + BLE.replace(DEVICE, "my-strap"), "devices[0].id:"),
        (GOOD + BLE.replace('address = "C7:1A:4B:22:9E:01"\n', ""), "devices[0].address:"),
        (GOOD + BLE.replace("C7:1A:4B:22:9E:01", "near the bike"), "devices[0].address:"),
        (GOOD + "metrics_port = 70000\n" + BLE, "$.metrics_port"),
        (GOOD + BLE + "colour = 'red'\n", "unknown field `colour`"),
        (GOOD.replace("tenant", "# tenant") + BLE, "missing required field `tenant`"),
        (GOOD, "missing required field `devices`"),
    ],
)
def test_a_wrong_configuration_names_its_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "edge.toml"
    path.write_text(text)
    result = _edge("run", "--config", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert key in result.stderr
