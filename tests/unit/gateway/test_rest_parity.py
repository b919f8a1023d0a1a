"""REST serves every read and write GraphQL does: each root field has its route.

A new GraphQL field without a row here fails; so does a row whose route the OpenAPI document
does not list. (Subscriptions have no REST form: REST clients poll, with ETags.)
"""

import strawberry

from fitconnect.gateway.app import create_app
from fitconnect.gateway.graphql.schema import Mutation, Query
from fitconnect.settings import Settings
from tests.keys import SECRET_KEY

ROUTE_OF = {
    # queries
    "me": "GET /api/v1/me",
    "profile": "GET /api/v1/me/profile",
    "devices": "GET /api/v1/devices",
    "notifications": "GET /api/v1/notifications",
    "node": "GET /api/v1/sessions/{session_id}",  # REST addresses each resource by its path
    "stream": "GET /api/v1/stream",
    "series": "GET /api/v1/series",
    "sessions": "GET /api/v1/sessions",
    "session": "GET /api/v1/sessions/{session_id}",
    "fitness": "GET /api/v1/fitness",
    "totals": "GET /api/v1/totals",
    "weeklyVolume": "GET /api/v1/weekly-volume",
    "records": "GET /api/v1/records",
    "ftpEstimate": "GET /api/v1/ftp-estimate",
    "report": "GET /api/v1/reports/{report_id}",
    "progress": "GET /api/v1/progress",
    "badges": "GET /api/v1/badges",
    "leaderboard": "GET /api/v1/leaderboard",
    "clubs": "GET /api/v1/clubs",
    "following": "GET /api/v1/following",
    "followers": "GET /api/v1/followers",
    "coaching": "GET /api/v1/coaching",
    "activity": "GET /api/v1/activities/{activity_id}",
    "activities": "GET /api/v1/athletes/{athlete_id}/activities",
    "feed": "GET /api/v1/feed",
    "search": "GET /api/v1/search",
    "comments": "GET /api/v1/activities/{activity_id}/comments",
    "privacy": "GET /api/v1/privacy",
    "blockedAthletes": "GET /api/v1/blocks",
    "followRequests": "GET /api/v1/follow-requests",
    "tenant": "GET /api/v1/tenant",
    "invitations": "GET /api/v1/tenant/invitations",
    "workoutCalendar": "GET /api/v1/workouts/calendar",
    "plannedWorkout": "GET /api/v1/workouts/planned/{plan_id}",
    "workoutLibrary": "GET /api/v1/workouts/library",
    "fitnessProjection": "GET /api/v1/workouts/projection",
    "exportWorkout": "GET /api/v1/workouts/planned/{plan_id}/file",
    "upload": "GET /api/v1/uploads/{upload_id}",
    "products": "GET /api/v1/products",
    "stockLocations": "GET /api/v1/stock/locations",
    "inventoryState": "GET /api/v1/stock",
    "stockAdjustments": "GET /api/v1/stock/adjustments",
    "reservation": "GET /api/v1/reservations/{reservation_id}",
    # mutations
    "register": "POST /api/v1/auth/register",
    "login": "POST /api/v1/auth/login",
    "refresh": "POST /api/v1/auth/refresh",
    "logout": "POST /api/v1/auth/logout",
    "deleteAccount": "POST /api/v1/me/deletion",
    "updateProfile": "PATCH /api/v1/me/profile",
    "registerDevice": "POST /api/v1/devices",
    "revokeDevice": "DELETE /api/v1/devices/{device_id}",
    "markNotificationRead": "POST /api/v1/notifications/{notification_id}/read",
    "requestReport": "POST /api/v1/reports",
    "inviteAthlete": "POST /api/v1/coaching/invitations",
    "respondToCoach": "PUT /api/v1/coaching/{coach_id}",
    "revokeCoach": "DELETE /api/v1/coaching/{coach_id}",
    "follow": "PUT /api/v1/following/{athlete_id}",
    "unfollow": "DELETE /api/v1/following/{athlete_id}",
    "updateActivity": "PATCH /api/v1/activities/{activity_id}",
    "giveKudos": "PUT /api/v1/activities/{activity_id}/kudos",
    "takeBackKudos": "DELETE /api/v1/activities/{activity_id}/kudos",
    "addComment": "POST /api/v1/activities/{activity_id}/comments",
    "editComment": "PATCH /api/v1/comments/{comment_id}",
    "deleteComment": "DELETE /api/v1/comments/{comment_id}",
    "updatePrivacy": "PATCH /api/v1/privacy",
    "blockAthlete": "PUT /api/v1/blocks/{athlete_id}",
    "unblockAthlete": "DELETE /api/v1/blocks/{athlete_id}",
    "answerFollowRequest": "PUT /api/v1/follow-requests/{athlete_id}",  # DELETE declines
    "createClub": "POST /api/v1/clubs",
    "joinClub": "PUT /api/v1/clubs/{club_id}/membership",
    "leaveClub": "DELETE /api/v1/clubs/{club_id}/membership",
    "createInvitation": "POST /api/v1/tenant/invitations",
    "revokeInvitation": "DELETE /api/v1/tenant/invitations/{invitation_id}",
    "deleteTenant": "POST /api/v1/tenant/deletion",
    "planWorkout": "POST /api/v1/workouts/planned",
    "moveWorkout": "PATCH /api/v1/workouts/planned/{plan_id}",
    "skipWorkout": "PATCH /api/v1/workouts/planned/{plan_id}",
    "unplanWorkout": "DELETE /api/v1/workouts/planned/{plan_id}",
    "uploadActivity": "POST /api/v1/uploads",
    "createProduct": "POST /api/v1/products",
    "createStockLocation": "POST /api/v1/stock/locations",
    "adjustStock": "POST /api/v1/stock/adjustments",
    "reserveStock": "POST /api/v1/reservations",
    "releaseReservation": "DELETE /api/v1/reservations/{reservation_id}",
}
# Fields of types, not roots, that are lists of their own in REST.
NESTED = {
    "Club.members": "GET /api/v1/clubs/{club_id}/members",
    "Session.series": ("GET /api/v1/sessions/{session_id}/series"),
}


def test_every_graphql_root_field_has_its_rest_route() -> None:
    schema = strawberry.Schema(query=Query, mutation=Mutation)._schema
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    app = create_app(Settings(environment="test", secret_key=SECRET_KEY), "postgresql://unused")
    paths = app.openapi()["paths"]
    routes = {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}

    assert set(ROUTE_OF) == set(schema.query_type.fields) | set(schema.mutation_type.fields)
    assert set(ROUTE_OF.values()) | set(NESTED.values()) <= routes
