"""The blog's data, the same in every run: two people, three posts (one unpublished)."""

from datetime import UTC, datetime

from django.contrib.auth import get_user_model

from tests.hosts.blogapi.blog.models import Post

PASSWORD = "a-long-pass-phrase-1"
WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
POSTS = [
    ("hello", "Hello, world", "The first post.", "Ann", "Check the spelling.", True),
    ("second", "Second thoughts", "More words.", "Ann", "", True),
    ("draft", "A draft", "Not yet.", "Bea", "SECRET: embargoed until May.", False),
]


def seed() -> None:
    users = get_user_model().objects
    editor = users.create_user("editor", password=PASSWORD)
    users.create_user("reader", password=PASSWORD)
    for slug, title, body, author, notes, published in POSTS:
        Post.objects.create(
            slug=slug,
            title=title,
            body=body,
            author=author,
            editor_notes=notes,
            published=published,
            owner=editor,
        )
    Post.objects.update(created=WHEN)
