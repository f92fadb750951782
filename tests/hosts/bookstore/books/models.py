"""The bookstore's own catalogue: books with UUID ids and a price only staff may see."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone


class Book(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=200)
    blurb = models.TextField(blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2)  # private: the shop's
    added = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        get_latest_by = "added"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("books:detail", args=[self.pk])
