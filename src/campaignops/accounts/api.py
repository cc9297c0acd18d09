"""The signed-in user's own endpoints: who am I, and personal API tokens (Bearer) for scripts.

A token is shown in clear once, when it is created; only its SHA-256 is stored. Everyone sees and
revokes only their own tokens: another user's token id answers 404.
"""

from django.shortcuts import get_object_or_404
from ninja import Router, Status

from campaignops.core.schemas import ERRORS, Id

from . import services
from .schemas import MeOut, TokenCreatedOut, TokenIn, TokenOut

router = Router(tags=["me"])


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who am I")
def me(request):
    return request.user


@router.get("/me/tokens", response={200: list[TokenOut], **ERRORS}, summary="My API tokens")
def token_list(request):
    return request.user.api_tokens.order_by("-created_at", "-id")


@router.post("/me/tokens", response={201: TokenCreatedOut, **ERRORS},
             summary="Create an API token (the token is in this answer only)")
def token_create(request, payload: TokenIn):
    token, raw = services.api_token_create(user=request.user, actor=request.user, name=payload.name,
                                           expires_at=payload.expires_at)
    token.token = raw
    return Status(201, token)


@router.delete("/me/tokens/{int:token_id}", response={204: None, **ERRORS}, summary="Revoke an API token")
def token_revoke(request, token_id: Id):
    token = get_object_or_404(request.user.api_tokens, pk=token_id)
    services.api_token_revoke(token=token, actor=request.user)
    return Status(204, None)
