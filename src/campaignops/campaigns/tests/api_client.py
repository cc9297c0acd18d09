"""A small JSON client for API tests: Bearer token or session, paths relative to /api/v1."""

import json

from django.test import Client

PREFIX = "/api/v1"


class Api:
    def __init__(self, client: Client):
        self.client = client

    def get(self, path: str, **params):
        return self.client.get(PREFIX + path, params)

    def post(self, path: str, body: dict | None = None):
        return self.client.post(PREFIX + path, json.dumps(body or {}), content_type="application/json")

    def patch(self, path: str, body: dict):
        return self.client.patch(PREFIX + path, json.dumps(body), content_type="application/json")

    def put(self, path: str, body: dict):
        return self.client.put(PREFIX + path, json.dumps(body), content_type="application/json")

    def delete(self, path: str):
        return self.client.delete(PREFIX + path)

    def call(self, method: str, path: str, body: dict | None = None):
        if method in ("get", "delete"):
            return getattr(self, method)(path)
        return getattr(self, method)(path, body or {})


def bearer(token: str) -> Api:
    return Api(Client(headers={"Authorization": f"Bearer {token}"}))


def anonymous() -> Api:
    return Api(Client())


def multipart(api: Api, path: str, data: dict):
    """A multipart POST (file uploads)."""
    return api.client.post(PREFIX + path, data)
