"""Every GraphQL error carries a stable ``extensions.code``, and is logged at its level."""

from __future__ import annotations

import logging

import psycopg
import strawberry
from graphql import GraphQLError
from strawberry.types.execution import ExecutionContext

from fitconnect.errors import FitConnectError
from fitconnect.gateway.errors import code_of

log = logging.getLogger(__name__)


def error_code(error: GraphQLError) -> str:
    """The stable code of any GraphQL error: its own, its domain error's, else by phase.

    Without an original error it is graphql-core's: the document or its variables (no path:
    VALIDATION) or a null where the schema promised a value (a path: INTERNAL)."""
    if code := (error.extensions or {}).get("code"):
        return str(code)
    original = error.original_error
    if isinstance(original, FitConnectError):
        return code_of(original)[0]
    if isinstance(original, GraphQLError | psycopg.DataError) or (
        original is None and error.path is None
    ):
        return "VALIDATION"  # the document, its variables, or a value no column can hold
    return "INTERNAL"


class CodedSchema(strawberry.Schema):
    """A schema whose every error, a subscription's too, carries its ``extensions.code``.

    Strawberry hands each error here once (queries, mutations, each subscription event, and
    errors before execution). The caller's errors (FORBIDDEN, NOT_FOUND, VALIDATION…) are
    logged at INFO without a traceback; INTERNAL ones at ERROR with it, and masked.
    """

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,  # noqa: ARG002 - strawberry's
    ) -> None:
        for error in errors:
            code = error_code(error)
            where = ".".join(map(str, error.path or ())) or "-"
            if code == "INTERNAL":
                log.error(
                    "GraphQL internal error at %s: %s",
                    where,
                    error.message,
                    exc_info=error.original_error,
                )
                error.message = "internal error"
            else:
                log.info("GraphQL %s at %s: %s", code, where, error.message)
            error.extensions = {**(error.extensions or {}), "code": code}
