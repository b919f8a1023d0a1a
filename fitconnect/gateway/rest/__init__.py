"""The REST API at /api/v1: the same services as GraphQL, one router module per context."""

from __future__ import annotations

from fastapi import APIRouter

from fitconnect.gateway.rest import auth, avatars, devices, notifications, reports, training

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    devices.router,
    notifications.router,
    training.router,
    reports.router,
    avatars.router,
)
