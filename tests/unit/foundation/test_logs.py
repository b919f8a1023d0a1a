import json
import logging

import pytest

from fitconnect.logs import configure_logging, log_context


@pytest.fixture(autouse=True)
def _restore_root_logger():  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_production_logs_are_json_with_service_tenant_and_correlation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("ingest-0", "INFO", json_lines=True)
    with log_context(tenant="t-1", corr="batch-42"):
        logging.getLogger("fitconnect.test").info("stored %d samples", 25)
    logging.getLogger("fitconnect.test").info("outside")
    first, second = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert first["service"] == "ingest-0"
    assert first["msg"] == "stored 25 samples"
    assert (first["tenant"], first["corr"]) == ("t-1", "batch-42")
    assert "tenant" not in second


def test_development_logs_are_readable_lines(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("gateway", "INFO", json_lines=False)
    logging.getLogger("fitconnect.test").warning("slow request")
    line = capsys.readouterr().err.strip()
    assert "WARNING gateway fitconnect.test: slow request" in line
