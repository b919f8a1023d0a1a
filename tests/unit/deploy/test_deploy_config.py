"""The deployment files: compose valid and healthy, alert rules valid, every metric real."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
METRIC = re.compile(r"\bfitconnect_[a-z0-9_]+")
SUFFIXES = ("_bucket", "_count", "_sum")


def test_compose_file_follows_the_compose_specification() -> None:
    # tests/data/compose_spec.json: the Compose Specification schema (Apache-2.0), as shipped
    # in the docker-compose 1.29.2 wheel.
    schema = json.loads((ROOT / "tests" / "data" / "compose_spec.json").read_text())
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    jsonschema.Draft7Validator(schema).validate(compose)


def test_every_compose_service_has_a_health_check_and_restart_policy() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert {"timescaledb", "mosquitto", "prometheus", "grafana", "minio", "gateway"} <= set(
        services
    )
    assert [name for name, s in services.items() if "healthcheck" not in s] == []
    assert [name for name, s in services.items() if "restart" not in s] == []
    assert "timescale/timescaledb" in services["timescaledb"]["image"]


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool (Debian: prometheus)")
def test_alert_rules_pass_promtool() -> None:
    result = subprocess.run(
        ["promtool", "check", "rules", str(DEPLOY / "prometheus" / "alerts.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _exported_metric_names() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "fitconnect").rglob("*.py"):
        names.update(re.findall(r"[\"'](fitconnect_[a-z0-9_]+)[\"']", path.read_text()))
    return names


def _queried_metric_names() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    sources = [DEPLOY / "prometheus" / "alerts.yml", *(DEPLOY / "grafana").rglob("*.json")]
    for path in sources:
        for name in METRIC.findall(path.read_text()):
            base = next((name[: -len(s)] for s in SUFFIXES if name.endswith(s)), name)
            found.setdefault(base, set()).add(path.name)
    return found


def test_every_metric_a_dashboard_or_rule_queries_is_exported_by_the_code() -> None:
    exported = _exported_metric_names()
    queried = _queried_metric_names()
    assert queried, "no metric queried at all"
    missing = {name: sorted(where) for name, where in queried.items() if name not in exported}
    assert missing == {}
