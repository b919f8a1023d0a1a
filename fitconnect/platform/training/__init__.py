"""Training context: an athlete's recorded data, read for charts and dashboards."""
