"""The GraphQL schema: the root ``Query``, ``Mutation`` and ``Subscription`` merged from the
per-context modules beside this one (a new context adds its module and one entry here)."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types

from fitconnect.gateway.graphql.auth import AuthMutation, AuthQuery
from fitconnect.gateway.graphql.coaching import CoachingMutation, CoachingQuery
from fitconnect.gateway.graphql.context import ActiveCaller
from fitconnect.gateway.graphql.cost import QueryCostLimiter
from fitconnect.gateway.graphql.devices import DevicesMutation, DevicesQuery
from fitconnect.gateway.graphql.errors import DomainErrorCodes
from fitconnect.gateway.graphql.gamification import GamificationQuery
from fitconnect.gateway.graphql.notifications import NotificationsMutation, NotificationsQuery
from fitconnect.gateway.graphql.reports import ReportsMutation, ReportsQuery, ReportsSubscription
from fitconnect.gateway.graphql.social import SocialMutation, SocialQuery
from fitconnect.gateway.graphql.tenancy import TenancyMutation, TenancyQuery
from fitconnect.gateway.graphql.training import TrainingQuery, TrainingSubscription
from fitconnect.gateway.graphql.users import UsersMutation, UsersQuery

MAX_DEPTH = 8
# One depth rule for the process: a new rule class per request would change the validation
# cache's key every time, so every request would be validated again.
DEPTH_RULES = QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules

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
        CoachingQuery,
        TenancyQuery,
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
        NotificationsMutation,
        TenancyMutation,
    ),
)
Subscription = merge_types("Subscription", (TrainingSubscription, ReportsSubscription))


def build_schema(
    *extra: type[SchemaExtension] | Callable[[], SchemaExtension],
) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            # Apps send the same few documents again and again: parse and validate each once.
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            QueryCostLimiter,  # after the cache, which would overwrite its verdict
            lambda: AddValidationRules(DEPTH_RULES),
            ActiveCaller,
            DomainErrorCodes,
            *extra,
        ],
    )
