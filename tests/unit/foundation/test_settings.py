import secrets
from pathlib import Path

import pytest
from pydantic import ValidationError

from fitconnect.settings import DEVELOPMENT_SECRET, Settings


def test_reads_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FITCONNECT_DATABASE_URL", "postgresql://db.example/fc")
    monkeypatch.setenv("FITCONNECT_INGEST__BATCH_MAX_ROWS", "123")
    settings = Settings()
    assert settings.database_url == "postgresql://db.example/fc"
    assert settings.ingest.batch_max_rows == 123


def test_defaults_use_embedded_services_and_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("FITCONNECT_DATABASE_URL", "FITCONNECT_MQTT_URL", "FITCONNECT_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    settings = Settings()
    assert settings.database_url is None
    assert settings.mqtt_url is None
    assert settings.data_dir == tmp_path / "data" / "fitconnect"  # the user's data directory


@pytest.mark.parametrize("environment", ["test", "production"])
def test_refuses_default_secret_outside_development(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("FITCONNECT_ENVIRONMENT", environment)
    monkeypatch.delenv("FITCONNECT_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="development default"):
        Settings()


@pytest.mark.parametrize("environment", ["test", "production"])
def test_refuses_short_secret_outside_development(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("FITCONNECT_ENVIRONMENT", environment)
    monkeypatch.setenv("FITCONNECT_SECRET_KEY", secrets.token_urlsafe(16))
    with pytest.raises(ValidationError, match="32 characters"):
        Settings()


@pytest.mark.parametrize(
    "secret",
    ["a" * 32, "ab" * 20, "0123456789abcdef" * 2, "my-company-fitconnect-secret-2024-production"],
)
def test_refuses_a_long_but_guessable_secret_in_production(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("FITCONNECT_ENVIRONMENT", "production")
    monkeypatch.setenv("FITCONNECT_SECRET_KEY", secret)
    with pytest.raises(ValidationError, match="too easy to guess"):
        Settings()


@pytest.mark.parametrize("secret", [secrets.token_hex(16), secrets.token_urlsafe(32)])
def test_accepts_a_random_secret_in_production(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("FITCONNECT_ENVIRONMENT", "production")
    monkeypatch.setenv("FITCONNECT_SECRET_KEY", secret)
    assert Settings().secret_key.get_secret_value() == secret


def test_development_keeps_its_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FITCONNECT_ENVIRONMENT", "development")
    monkeypatch.delenv("FITCONNECT_SECRET_KEY", raising=False)
    assert Settings().secret_key.get_secret_value() == DEVELOPMENT_SECRET
