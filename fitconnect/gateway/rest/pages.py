"""Cursor pages in REST: ``?first=&after=`` or ``?last=&before=``, answered as ``items`` and
``page_info`` (the same cursors as GraphQL's connections)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from fitconnect.gateway.cursors import encode_cursor, page_request
from fitconnect.platform.db.pages import MAX_PAGE, Page, PageRequest

Item = TypeVar("Item")
Out = TypeVar("Out")


class PageInfo(BaseModel):
    has_next: bool
    has_previous: bool
    start_cursor: str | None
    end_cursor: str | None


class PageOut(BaseModel, Generic[Out]):
    items: list[Out]
    cursors: list[str]
    page_info: PageInfo


class PageArgs(BaseModel):
    first: int | None
    after: str | None
    last: int | None
    before: str | None

    def request(self, key: Sequence[Callable[[str], Any]]) -> PageRequest:
        return page_request(self.first, self.after, self.last, self.before, key)


def page_args(
    first: Annotated[
        int | None, Query(ge=1, le=MAX_PAGE, description="Items after `after`")
    ] = None,
    after: Annotated[str | None, Query(description="A cursor from an earlier page")] = None,
    last: Annotated[
        int | None, Query(ge=1, le=MAX_PAGE, description="Items before `before`")
    ] = None,
    before: Annotated[str | None, Query(description="A cursor from an earlier page")] = None,
) -> PageArgs:
    return PageArgs(first=first, after=after, last=last, before=before)


PageQuery = Annotated[PageArgs, Depends(page_args)]


def page_out(
    page: Page[Item], item: Callable[[Item], Out], key: Callable[[Item], Sequence[object]]
) -> PageOut[Out]:
    cursors = [encode_cursor(key(i)) for i in page.items]
    return PageOut(
        items=[item(i) for i in page.items],
        cursors=cursors,
        page_info=PageInfo(
            has_next=page.has_next,
            has_previous=page.has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
    )
