"""The blog host's app config (label ``blog``)."""

from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "tests.hosts.blogapi.blog"
    label = "blog"
    default_auto_field = "django.db.models.BigAutoField"
