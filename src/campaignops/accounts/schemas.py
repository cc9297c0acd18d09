"""API schemas for the signed-in user and their personal API tokens."""

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from .models import Department, display_name


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    department: Department | None
    language: str | None
    time_zone: str | None
    is_site_admin: bool

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.get_username()

    @staticmethod
    def resolve_name(obj) -> str:
        return display_name(obj)

    @staticmethod
    def resolve_department(obj) -> str | None:
        profile = getattr(obj, "profile", None)
        return (profile.department or None) if profile else None

    @staticmethod
    def resolve_language(obj) -> str | None:
        profile = getattr(obj, "profile", None)
        return (profile.language or None) if profile else None

    @staticmethod
    def resolve_time_zone(obj) -> str | None:
        profile = getattr(obj, "profile", None)
        return profile.time_zone if profile else None

    @staticmethod
    def resolve_is_site_admin(obj) -> bool:
        return obj.is_superuser


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="The first characters of the token, to recognise it.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked: bool


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The token itself: shown this once, never again.")


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=100)
    expires_at: dt.datetime | None = Field(None, description="Optional expiry (must be in the future).")
