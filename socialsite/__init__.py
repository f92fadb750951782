"""The demo host project for sentirec."""

from socialsite.celery import app as celery_app

__all__ = ["celery_app"]
