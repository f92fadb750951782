"""The bookstore's own steps in the host journey (tests/hosts/host_journey.py), run in the
bookstore's process: its books, its sign-in app, its book page embedding sentirec, and
what must stay private (the price)."""

from __future__ import annotations

import os
from decimal import Decimal

from tests.hosts.host_journey import wait_for

#: The price of every book: it must never appear on sentirec's pages or API.
PRICE = Decimal("47.93")


def books():
    from books.models import Book

    return (
        Book.objects.create(
            title="The Long Summer", author="A. Writer", blurb="A quiet novel.", price=PRICE
        ),
        Book.objects.create(title="Winter Roads", author="B. Author", price=PRICE),
    )


def steps(clients, users, items, prefix: str) -> dict:
    from django.contrib.auth.models import Permission
    from django.test import Client

    _, bob = clients
    ann_user, _ = users
    book, _ = items
    facts: dict = {}
    price = str(PRICE)

    # The bookstore's own sign-in (no "login" URL name anywhere).
    reader = Client()
    signed_in = reader.post(
        "/gate/in/", {"username": ann_user.email, "password": "a-long-pass-phrase-1"}
    )
    facts["signin"] = signed_in.status_code
    facts["visitor_login_link"] = (
        "/gate/in/?next=" in Client().get(f"{prefix}items/{book.pk}/").content.decode()
    )

    # The host's book page needs a permission; with it, it embeds sentirec.
    facts["book_page_without_permission"] = reader.get(book.get_absolute_url()).status_code
    ann_user.user_permissions.add(Permission.objects.get(codename="view_book"))
    page = reader.get(book.get_absolute_url())
    html = page.content.decode()
    facts["book_page"] = page.status_code
    facts["book_page_embeds"] = {
        "summary": "from 1 rating" in html,
        "review": "review card" in html,
        "form_posts_to_sentirec": f'action="{prefix}items/{book.pk}/review/"' in html,
        "form_comes_back": f'name="next" value="{book.get_absolute_url()}"' in html,
    }

    # sentirec's item page: the host's text and own page, never the price.
    item_page = bob.get(f"{prefix}items/{book.pk}/").content.decode()
    facts["item_page_blurb"] = "A quiet novel." in item_page
    facts["item_page_view_on_site"] = f'href="{book.get_absolute_url()}"' in item_page
    shown = {
        "item page": item_page,
        "browse": bob.get(f"{prefix}items/").content.decode(),
        "feed": bob.get(prefix).content.decode(),
        "api items": bob.get(f"{prefix}api/items/").content.decode(),
        "api item": bob.get(f"{prefix}api/items/{book.pk}/").content.decode(),
    }
    facts["price_shown_on"] = sorted(name for name, body in shown.items() if price in body)

    # The host's own home and about pages are its own; the nav marks neither as sentirec's.
    home = bob.get("/").content.decode()
    facts["host_home_marks_feed"] = 'aria-current="page"' in home
    facts["host_about"] = "About the bookstore" in bob.get("/about/").content.decode()

    facts["preference_model"] = preference_model(bob, prefix, items)

    # Under the site-wide page cache, personal answers are never cacheable.
    facts["cache_control"] = {
        path: bob.get(path).headers.get("Cache-Control", "")
        for path in (f"{prefix}api/feed/", prefix, f"{prefix}items/{book.pk}/")
    }
    return facts


def preference_model(client, prefix: str, items) -> dict:
    """A retrain as the schedule and the admin ask for it (the Celery task on the GPU
    queue) on books with UUID keys, then the feed through the API: which books carry the
    learned model's component."""
    from django.core.cache import cache

    from sentirec.conf import settings
    from sentirec.feeds import serving
    from sentirec.models import PreferenceModel
    from sentirec.queueing import TRAIN_RECOMMENDER, enqueue

    assert enqueue(TRAIN_RECOMMENDER, queue=settings.GPU_QUEUE)
    wait = float(os.environ.get("JOURNEY_WAIT", "0")) or 1
    model = wait_for(
        lambda: PreferenceModel.objects.filter(is_active=True).first(), wait, "a model"
    )
    # A worker published it in its own per-process cache; this process would wait up to
    # ACTIVE_SECONDS to ask the registry again.
    cache.delete(serving.ACTIVE_KEY)
    answer = client.get(f"{prefix}api/feed/")
    entries = answer.json()["entries"] if answer.status_code == 200 else []
    return {
        "feed_status": answer.status_code,
        "items": model.training_data["items"],
        "books": sorted(str(book.pk) for book in items),
        "scored_books": sorted(e["item"]["id"] for e in entries if "model" in e["components"]),
    }
