"""Feed pages in the Django cache (Redis in production), invalidated by version tokens.

Every user has two tokens. ``follows`` changes when they follow or unfollow someone, or
someone follows or unfollows them (reciprocity changes their ties). ``opinions`` changes
when they rate or review. A page is stored under the viewer's own two tokens and keeps
the ``opinions`` tokens of everyone whose opinions it read; a read compares those in one
``get_many``. So a new opinion is ONE cache write however many followers its author has,
and a cached page costs no SQL at all. New follows among one's followees (the second
hop's shape) and item statistics are not tracked: ``FEED_CACHE_SECONDS`` bounds how stale
they can be.

Bulk writes skip model signals; code that writes opinions in bulk (the sentiment scoring
service) sends ``sentirec.events.opinions_rescored`` with the authors it touched, and
:func:`opinions_changed` runs on it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sentirec.conf import settings
from sentirec.events import opinions_rescored
from sentirec.models import Follow, Rating, Review
from sentirec.queueing import celery_app

if TYPE_CHECKING:
    from sentirec.feeds.page import FeedPage

PREFIX = "sentirec:feed"
FOLLOWS = "follows"
OPINIONS = "opinions"
#: The token of a user whose token was never set (or was evicted).
UNSET = "0"
#: Part of every page key: pages are pickled, so a new layout or module path of
#: ``feeds.page.FeedPage`` takes new keys instead of unpickling an old one (2: moved
#: from ``sentirec.recommend.feed``).
PAGE_FORMAT = 2


def token_key(kind: str, user_id: int) -> str:
    return f"{PREFIX}:{kind}:{user_id}"


def _bump(kind: str, user_ids: Iterable[int]) -> None:
    """Give these users new tokens, in one cache operation; tokens never expire."""
    token = uuid.uuid4().hex[:12]
    cache.set_many({token_key(kind, uid): token for uid in set(user_ids)}, timeout=None)


def opinions_changed(user_ids: Iterable[int]) -> None:
    """Invalidate the feeds that read these authors' opinions (and their own feeds)."""
    _bump(OPINIONS, user_ids)


@receiver(opinions_rescored, dispatch_uid="sentirec_feed_opinions_rescored")
def _rescored(sender, user_ids: Iterable[int], **kwargs) -> None:
    opinions_changed(user_ids)


def follows_changed(user_ids: Iterable[int]) -> None:
    """Invalidate these users' feeds because their ties changed."""
    _bump(FOLLOWS, user_ids)


def page_seconds() -> float:
    """How long a feed page may be cached: ``FEED_CACHE_SECONDS``, or 0 where the cache is
    per process (Django's default ``LocMemCache``) while tasks run in workers. There a
    worker's new scores bump tokens only in the worker's own cache, and a page would keep
    the old sentiment for ``FEED_CACHE_SECONDS``; computing the page is always right."""
    if isinstance(caches["default"], LocMemCache) and not celery_app().conf.task_always_eager:
        return 0
    return settings.FEED_CACHE_SECONDS


class PageCache:
    """One feed page's cache entry: look it up, learn whose opinions it reads, store it."""

    def __init__(self, viewer_id: int | None, page: int, size: int, model_version: str = ""):
        self.seconds = page_seconds()
        own = ""
        if viewer_id is not None and self.seconds:
            keys = [token_key(FOLLOWS, viewer_id), token_key(OPINIONS, viewer_id)]
            found = cache.get_many(keys)
            own = ":".join(found.get(key, UNSET) for key in keys)
        viewer = "anon" if viewer_id is None else viewer_id
        self.key = f"{PREFIX}:page{PAGE_FORMAT}:{viewer}:{page}:{size}:{own}:{model_version}"
        self.authors: list[int] = []
        self.digest = ""

    @staticmethod
    def _digest(authors: list[int]) -> str:
        if not authors:
            return ""
        keys = [token_key(OPINIONS, uid) for uid in authors]
        tokens = cache.get_many(keys)
        joined = ",".join(tokens.get(key, UNSET) for key in keys)
        return hashlib.sha1(joined.encode(), usedforsecurity=False).hexdigest()

    def get(self) -> FeedPage | None:
        """The cached page, unless caching is off or an author it read has changed since."""
        if not self.seconds:
            return None
        stored = cache.get(self.key)
        if stored is None:
            return None
        authors, digest, page = stored
        return page if self._digest(authors) == digest else None

    def watch(self, author_ids: list[int]) -> None:
        """Remember the authors' tokens now, before their opinions are read, so an opinion
        written during the build invalidates the page."""
        if self.seconds:
            self.authors, self.digest = author_ids, self._digest(author_ids)

    def put(self, page: FeedPage) -> None:
        if self.seconds:
            cache.set(self.key, (self.authors, self.digest, page), self.seconds)


@receiver(post_save, sender=Follow, dispatch_uid="sentirec_feed_follow_saved")
@receiver(post_delete, sender=Follow, dispatch_uid="sentirec_feed_follow_deleted")
def follow_changed(sender, instance: Follow, **kwargs) -> None:
    users = [instance.follower_id, instance.followee_id]
    transaction.on_commit(lambda: follows_changed(users))


@receiver(post_save, sender=Rating, dispatch_uid="sentirec_feed_rating_saved")
@receiver(post_save, sender=Review, dispatch_uid="sentirec_feed_review_saved")
@receiver(post_delete, sender=Rating, dispatch_uid="sentirec_feed_rating_deleted")
@receiver(post_delete, sender=Review, dispatch_uid="sentirec_feed_review_deleted")
def opinion_changed(sender, instance: Rating | Review, **kwargs) -> None:
    author = instance.user_id
    transaction.on_commit(lambda: opinions_changed([author]))
