"""The in-process gateway of the gateway tests, for the workouts context's API tests."""

from tests.integration.gateway.conftest import client

__all__ = ["client"]
