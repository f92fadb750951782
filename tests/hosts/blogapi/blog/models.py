"""The blog's one model: posts keyed by slug, with editor notes no reader may see."""

from django.conf import settings
from django.db import models


class Post(models.Model):
    slug = models.SlugField(primary_key=True, max_length=80)
    title = models.CharField(max_length=200)
    body = models.TextField()
    author = models.CharField(max_length=100)
    #: Never to be shown outside the blog's own editors.
    editor_notes = models.TextField(blank=True)
    published = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return self.title
