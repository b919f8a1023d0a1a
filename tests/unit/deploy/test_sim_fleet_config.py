"""The agent file ``fitconnect sim register`` writes is one ``fitconnect-edge run`` accepts,
whatever the broker password holds, and only its owner can read it."""

import stat
import uuid
from pathlib import Path

import pytest

from fitconnect.edge_agent.config import load_config
from fitconnect.errors import ConfigurationError
from fitconnect.runtime.sim_fleet import AgentFile, Fleet, agent_config, write_agent_config


def test_the_agent_runs_exactly_the_registered_devices(tmp_path: Path) -> None:
    fleet = Fleet(str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(3)])
    broker = 'mqtt://simulator:a"b\\c#d é@mosquitto:1883'
    agent = AgentFile(broker, "/var/lib/fitconnect/edge/buffer.sqlite", 9104, "::", "row")
    path = tmp_path / "fleet" / "edge.toml"
    write_agent_config(path, agent_config(fleet, agent))
    config = load_config(path)
    assert (config.broker, config.tenant) == (broker, fleet.tenant_id)
    assert [d.id for d in config.devices] == fleet.device_ids
    assert {(d.source, d.profile) for d in config.devices} == {("simulated", "row")}
    assert (config.metrics_port, config.metrics_host) == (9104, "::")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["edge.toml"]


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="profile 'swim'"):
        agent_config(Fleet(str(uuid.uuid4()), []), AgentFile("mqtt://h", "b", 0, "h", "swim"))
