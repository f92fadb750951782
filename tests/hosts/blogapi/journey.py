"""sentirec's API inside the blog, as a client would use it; prints one ``JOURNEY {...}``
line of facts for tests/hosts/test_blogapi.py to judge.

``python -m tests.hosts.blogapi.journey`` with ``DJANGO_SETTINGS_MODULE`` set to the blog's.
"""

import json

import django


def journey() -> dict:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from tests.hosts.blogapi.seed import PASSWORD

    facts: dict = {}
    anonymous = APIClient()
    items = anonymous.get("/api/items/")
    facts["anonymous items"] = [items.status_code, items.json()]
    facts["anonymous draft"] = anonymous.get("/api/items/draft/").status_code
    facts["anonymous hello"] = anonymous.get("/api/items/hello/").json()
    facts["api root"] = anonymous.get("/api/").status_code
    wrong = anonymous.post("/api/auth/token/", {"username": "editor", "password": "x"})
    facts["wrong password"] = [wrong.status_code, wrong.json()]

    clients = {}
    for name in ("editor", "reader"):
        token = anonymous.post("/api/auth/token/", {"username": name, "password": PASSWORD})
        assert token.status_code == 200, token.content
        clients[name] = APIClient()
        clients[name].credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    editor, reader = clients["editor"], clients["reader"]
    blogs = anonymous.post("/api/v1/token/", {"username": "editor", "password": PASSWORD})
    with_blogs_token = APIClient()
    with_blogs_token.credentials(HTTP_AUTHORIZATION=f"Token {blogs.json()['token']}")
    facts["blog's token"] = with_blogs_token.get("/api/items/draft/").status_code
    facts["signed-in draft"] = editor.get("/api/items/draft/").json()
    review = editor.post(
        "/api/reviews/",
        {"item": "hello", "text": "A wonderful, great post. Loved it.", "stars": "5"},
        format="json",
    )
    facts["review"] = [review.status_code, review.json()]
    facts["review status"] = editor.get(f"/api/reviews/{review.json()['id']}/").json()
    rating = editor.post("/api/ratings/", {"item": "draft", "stars": "3"}, format="json")
    facts["rating"] = [rating.status_code, rating.json()]
    followee = get_user_model().objects.get(username="editor").pk
    follow = reader.post("/api/follows/", {"followee": followee}, format="json")
    facts["follow"] = [follow.status_code, follow.json()]
    facts["reader feed"] = reader.get("/api/feed/").json()
    facts["anonymous feed"] = anonymous.get("/api/feed/").json()
    facts["anonymous ratings"] = anonymous.get("/api/ratings/").json()
    schema = anonymous.get("/api/schema/", {"format": "json"})
    facts["schema"] = [schema.status_code, schema.json()]
    facts["docs"] = anonymous.get("/api/docs/").status_code
    return facts


if __name__ == "__main__":
    django.setup()
    from tests.hosts.blogapi.seed import seed

    seed()
    print("JOURNEY " + json.dumps(journey()))
