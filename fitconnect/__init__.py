"""FitConnect: a device-first IoT ingestion and data platform for fitness.

Subpackages: ``schemas`` (wire contract), ``edge_agent`` (BLE to MQTT), ``ingest`` (MQTT to
PostgreSQL), ``platform`` (bounded contexts and the database), ``analytics`` (Polars/DuckDB jobs),
``gateway`` (GraphQL and REST). ``runtime`` starts the embedded services of ``fitconnect up``.
"""

__version__ = "0.1.0"
