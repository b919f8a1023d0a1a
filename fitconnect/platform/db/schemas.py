"""The database schemas: one per service of the design, each movable to its own server."""

SERVICE_SCHEMAS: tuple[str, ...] = (
    "users",
    "devices",
    "telemetry",
    "training",
    "social",
    "coaching",
    "inventory",
    "payments",
    "notifications",
    "search",
    "marketing",
    "gamification",
    "analytics",
)
