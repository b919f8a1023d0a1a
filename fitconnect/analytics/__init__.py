"""Analytics jobs: sessions, workout metrics, fitness and fatigue, gamification (Polars/DuckDB)."""
