"""The REST API at /api/v1: the same services as GraphQL, one router module per context."""

from __future__ import annotations

from fastapi import APIRouter

from fitconnect.gateway.rest import (
    activities,
    auth,
    avatars,
    coaching,
    devices,
    gamification,
    inventory,
    notifications,
    reports,
    search,
    social,
    tenancy,
    training,
    uploads,
    users,
    workouts,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    users.router,
    devices.router,
    notifications.router,
    training.router,
    reports.router,
    gamification.router,
    social.router,
    activities.router,
    search.router,
    coaching.router,
    tenancy.router,
    workouts.router,
    avatars.router,
    uploads.router,
    inventory.router,
)
