"""A bookstore unlike socialsite in every way sentirec must not assume: UUID book ids, a
user model that logs in by email, its own login app (no ``login`` URL name), sentirec under
``community/``, Django's default per-process cache behind a site-wide page cache, and no
``REST_FRAMEWORK`` setting."""

from .celery import app as celery_app

__all__ = ["celery_app"]
