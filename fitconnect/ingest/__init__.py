"""Ingest workers: MQTT telemetry decoded, validated, batched and written to PostgreSQL."""
