"""The GraphQL schema: the root ``Query``, ``Mutation`` and ``Subscription`` merged from the
per-context modules beside this one (a new context adds its module and one entry here)."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.tools import merge_types

from fitconnect.gateway.graphql.activities import ActivitiesMutation, ActivitiesQuery
from fitconnect.gateway.graphql.auth import AuthMutation, AuthQuery
from fitconnect.gateway.graphql.coaching import CoachingMutation, CoachingQuery
from fitconnect.gateway.graphql.context import ActiveCaller
from fitconnect.gateway.graphql.devices import DevicesMutation, DevicesQuery
from fitconnect.gateway.graphql.errors import CodedSchema
from fitconnect.gateway.graphql.gamification import GamificationQuery
from fitconnect.gateway.graphql.inventory import InventoryMutation, InventoryQuery
from fitconnect.gateway.graphql.limits import GraphQLLimits, limits_extension
from fitconnect.gateway.graphql.nodes import NodesQuery
from fitconnect.gateway.graphql.notifications import (
    NotificationsMutation,
    NotificationsQuery,
    NotificationsSubscription,
)
from fitconnect.gateway.graphql.reports import ReportsMutation, ReportsQuery, ReportsSubscription
from fitconnect.gateway.graphql.search import SearchQuery
from fitconnect.gateway.graphql.social import SocialMutation, SocialQuery
from fitconnect.gateway.graphql.tenancy import TenancyMutation, TenancyQuery
from fitconnect.gateway.graphql.training import TrainingQuery, TrainingSubscription
from fitconnect.gateway.graphql.uploads import UploadsMutation, UploadsQuery
from fitconnect.gateway.graphql.users import UsersMutation, UsersQuery
from fitconnect.gateway.graphql.workouts import WorkoutsMutation, WorkoutsQuery

# Root fields in the order of these tuples (the order the schema has always listed them).
Query = merge_types(
    "Query",
    (
        AuthQuery,
        UsersQuery,
        DevicesQuery,
        NotificationsQuery,
        TrainingQuery,
        ReportsQuery,
        GamificationQuery,
        SocialQuery,
        ActivitiesQuery,
        SearchQuery,
        CoachingQuery,
        TenancyQuery,
        WorkoutsQuery,
        UploadsQuery,
        InventoryQuery,
        NodesQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AuthMutation,
        DevicesMutation,
        UsersMutation,
        CoachingMutation,
        ReportsMutation,
        SocialMutation,
        ActivitiesMutation,
        NotificationsMutation,
        TenancyMutation,
        WorkoutsMutation,
        UploadsMutation,
        InventoryMutation,
    ),
)
Subscription = merge_types(
    "Subscription", (TrainingSubscription, ReportsSubscription, NotificationsSubscription)
)


def build_schema(
    limits: GraphQLLimits,
    *extra: type[SchemaExtension] | Callable[[], SchemaExtension],
) -> strawberry.Schema:
    return CodedSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            limits_extension(limits),  # parse, shape, validation (each cached once) and cost
            ActiveCaller,
            *extra,
        ],
    )


def sdl() -> str:
    """The schema as SDL: what ``schema.graphql`` holds (extensions do not change it)."""
    return strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription).as_str()
