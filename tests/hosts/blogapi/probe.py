"""The blog's own answers (pages, API, schema), printed as one ``PROBE {...}`` line, to be
compared between a run with sentirec installed and one without.

``python -m tests.hosts.blogapi.probe`` with ``DJANGO_SETTINGS_MODULE`` set to the blog's.
"""

import base64
import json

import django


def answers() -> dict:
    from django.test import Client

    from tests.hosts.blogapi.seed import PASSWORD

    basic = base64.b64encode(f"editor:{PASSWORD}".encode()).decode()
    signed_in = {"HTTP_AUTHORIZATION": f"Basic {basic}"}
    client = Client()
    requests = {
        "page list": ("/blog/", {}),
        "page post": ("/blog/hello/", {}),
        "page draft": ("/blog/draft/", {}),
        "api anonymous": ("/api/v1/posts/", {}),
        "api root": ("/api/v1/", signed_in),
        "api list": ("/api/v1/posts/?ordering=-title", signed_in),
        "api page 2": ("/api/v1/posts/?limit=2&offset=2", signed_in),
        "api post": ("/api/v1/posts/draft/", signed_in),
        "schema": ("/api/v1/schema/?format=json", {}),
    }
    found = {}
    for name, (url, headers) in requests.items():
        response = client.get(url, **headers)
        found[name] = {
            "status": response.status_code,
            "type": response.get("Content-Type"),
            "authenticate": response.get("WWW-Authenticate"),
            "body": response.content.decode(),
        }
    token = client.post("/api/v1/token/", {"username": "editor", "password": "wrong"})
    found["token refused"] = {"status": token.status_code, "body": token.content.decode()}
    return found


if __name__ == "__main__":
    django.setup()
    from tests.hosts.blogapi.seed import seed

    seed()
    print("PROBE " + json.dumps(answers()))
