"""Server-side settings: the only module that reads the environment.

One ``Settings`` object per process, built in ``main()`` and passed down. Every variable has
the prefix ``FITCONNECT_``; nested groups use ``__`` (``FITCONNECT_INGEST__BATCH_MAX_ROWS``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from fitconnect.strength import estimate

DEVELOPMENT_SECRET = "development-only-secret-change-me"  # noqa: S105 - refused outside development
MIN_SECRET_LENGTH = 32
MIN_SECRET_GUESSES_LOG10 = 30.0
"""About 100 bits by zxcvbn's estimate: ``secrets.token_hex(16)`` has 31, 32 ``a`` have 2.6."""

Environment = Literal["development", "test", "production"]


class DatabaseSettings(BaseModel):
    """Connection pool sizing; the server itself comes from ``database_url``."""

    pool_min_size: int = Field(default=1, ge=0)
    pool_max_size: int = Field(default=10, ge=1)
    connect_timeout_s: float = Field(default=10.0, gt=0)


class IngestSettings(BaseModel):
    """How ingest workers batch, commit and bound their work."""

    batch_max_rows: int = Field(default=20_000, ge=1)
    batch_max_wait_s: float = Field(default=0.2, gt=0)
    max_in_flight_messages: int = Field(default=2_000, ge=1)
    metrics_port: int = Field(default=9101, ge=0, le=65535, description="0: no metrics server")
    share_group: str = Field(default="ingest", pattern=r"^[A-Za-z0-9_-]+$")
    client_id_prefix: str = "fitconnect-ingest"
    session_expiry_s: int = Field(default=7 * 24 * 3600, ge=0)


class GatewayLimitSettings(BaseModel):
    """What one request may ask of the gateway; more is refused before any work is done."""

    max_body_bytes: int = Field(
        default=256 * 1024, ge=1024, description="Request bodies (avatars have their own 2 MB)"
    )
    max_websocket_message_bytes: int = Field(default=64 * 1024, ge=1024)
    graphql_max_tokens: int = Field(default=5_000, ge=100, description="Tokens of a document")
    graphql_max_operations: int = Field(default=5, ge=1, description="Operations of a document")
    graphql_max_root_fields: int = Field(
        default=20, ge=1, description="Root fields of an operation, aliases and fragments included"
    )
    graphql_max_mutations: int = Field(default=5, ge=1, description="Mutations of one request")
    graphql_max_depth: int = Field(default=8, ge=1)
    graphql_max_fields: int = Field(
        default=500, ge=10, description="Fields and fragment spreads once fragments are expanded"
    )
    graphql_max_cost: int = Field(
        default=50_000, ge=1, description="Values a query may produce (list sizes times selections)"
    )


class GatewayHttpSettings(BaseModel):
    """What the gateway tells browsers and who sees its internals; unset: by environment."""

    cors_origins: list[str] = Field(
        default_factory=list,
        description='Origins of the web app and partners, JSON: ["https://app.example.com"]',
    )
    hsts: bool | None = Field(
        default=None, description="Strict-Transport-Security; unset: on requests that came by TLS"
    )
    hsts_max_age_s: int = Field(default=365 * 24 * 3600, ge=0)
    expose_internals: bool | None = Field(
        default=None,
        description="/metrics and the API docs on the API port; unset: everywhere but production",
    )
    metrics_port: int = Field(
        default=0, ge=0, le=65535, description="A separate /metrics listener (0: none)"
    )
    introspection: bool | None = Field(
        default=None, description="GraphQL introspection; unset: everywhere but production"
    )


class GatewaySettings(BaseModel):
    """Where the gateway listens, how long its tokens live, what a request may ask."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    access_token_ttl_s: int = Field(default=900, ge=30)
    refresh_token_ttl_s: int = Field(default=30 * 24 * 3600, ge=60)
    workers: int = Field(
        default=1, ge=1, le=64, description="Gateway processes sharing the port (one per core)"
    )
    limits: GatewayLimitSettings = GatewayLimitSettings()
    http: GatewayHttpSettings = GatewayHttpSettings()


class SmtpSettings(BaseModel):
    """The mail server that e-mails notifications; no host: e-mail is off."""

    host: str | None = None
    port: int = Field(default=587, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    from_address: str = "FitConnect <no-reply@fitconnect.invalid>"
    security: Literal["starttls", "ssl", "none"] = Field(
        default="starttls", description="starttls (required), ssl (implicit TLS) or none"
    )
    timeout_s: float = Field(default=10.0, gt=0)
    batch_size: int = Field(default=50, ge=1, description="E-mails sent per worker round")
    max_attempts: int = Field(default=8, ge=1, description="Then the e-mail is given up")
    backoff_base_s: float = Field(default=30.0, gt=0, description="First retry delay, doubling")
    backoff_max_s: float = Field(default=3600.0, gt=0)


class ObjectStoreSettings(BaseModel):
    """Where media (avatars) goes: a local folder, or an S3-compatible bucket."""

    kind: Literal["local", "s3"] = "local"
    root: Path | None = Field(default=None, description="Local folder; unset: data_dir/objects")
    s3_endpoint_url: str | None = Field(default=None, description="Unset: AWS itself")
    bucket: str | None = None
    access_key: str | None = None
    secret_key: SecretStr | None = None
    region: str = "us-east-1"

    @model_validator(mode="after")
    def _bucket_for_s3(self) -> ObjectStoreSettings:
        if self.kind == "s3" and not self.bucket:
            raise ValueError("an s3 object store needs FITCONNECT_OBJECTS__BUCKET")
        return self


class Settings(BaseSettings):
    """Everything a FitConnect server process needs to know, from the environment."""

    model_config = SettingsConfigDict(
        env_prefix="FITCONNECT_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    environment: Environment = "development"
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL; unset starts the embedded PostgreSQL.",
    )
    mqtt_url: str | None = Field(
        default=None,
        description="mqtt://user:password@host:port; unset starts an embedded broker.",
    )
    data_dir: Path = Field(default_factory=lambda: platformdirs.user_data_path("fitconnect"))
    mqtt_device_url: str | None = Field(
        default=None,
        description="The broker address registerDevice gives devices (unset: the MQTT URL's).",
    )
    mqtt_auth_dir: Path | None = Field(
        default=None,
        description="Where the gateway writes Mosquitto's passwd and acl files (unset: none).",
    )
    log_level: str = "INFO"
    metrics_host: str = Field(
        default="127.0.0.1", description="Where /metrics of workers listen (0.0.0.0 in containers)"
    )
    analytics_metrics_port: int = Field(
        default=9102, ge=0, le=65535, description="The analytics scheduler's /metrics (0: none)"
    )
    otel_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP traces endpoint, e.g. http://collector:4318/v1/traces"
    )
    database: DatabaseSettings = DatabaseSettings()
    ingest: IngestSettings = IngestSettings()
    gateway: GatewaySettings = GatewaySettings()
    smtp: SmtpSettings = SmtpSettings()
    objects: ObjectStoreSettings = ObjectStoreSettings()

    @model_validator(mode="after")
    def _refuse_weak_secret(self) -> Settings:
        """Outside development the signing key is long and random (not guessable by zxcvbn)."""
        if self.environment == "development":
            return self
        secret = self.secret_key.get_secret_value()
        if secret == DEVELOPMENT_SECRET:
            msg = (
                f"FITCONNECT_SECRET_KEY is the development default, refused in "
                f"{self.environment}; set a long random value"
            )
            raise ValueError(msg)
        if len(secret) < MIN_SECRET_LENGTH:
            msg = f"FITCONNECT_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters"
            raise ValueError(msg)
        if estimate(secret).guesses_log10 < MIN_SECRET_GUESSES_LOG10:
            msg = (
                "FITCONNECT_SECRET_KEY is too easy to guess (repeats, sequences or words);"
                ' use a random one: python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
            raise ValueError(msg)
        return self
