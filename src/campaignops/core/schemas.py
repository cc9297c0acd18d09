"""API schemas shared by every app: the one shape of an error answer."""

from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.params.functions import Path as PathParam


class ErrorOut(Schema):
    """A refused request: a message in the user's language, the field it is about, and for a stale
    edit (409) the version now stored."""

    detail: str
    field: str | None = None
    errors: list[Any] | None = None
    current_version: int | None = None


ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}

# Row ids in URLs: beyond a 64-bit integer no row can exist (SQLite would fail on the query).
MAX_ID = 2**63 - 1
Id = Annotated[int, PathParam(ge=1, le=MAX_ID)]


class Pages(LimitOffsetPagination):
    """limit/offset pages (`{"items": [...], "count": n}`); the offset is bounded so that no
    database is asked for a row number it cannot hold."""

    class Input(Schema):
        limit: int = Field(100, ge=1, description="Rows per page (capped per endpoint).")
        offset: int = Field(0, ge=0, le=2**62)
