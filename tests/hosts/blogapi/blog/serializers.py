"""The blog's own DRF serializer of posts."""

from rest_framework import serializers

from tests.hosts.blogapi.blog.models import Post


class PostSerializer(serializers.ModelSerializer):
    """Named like the serializer sentirec once built for a swapped ``Post`` model."""

    class Meta:
        model = Post
        fields = ["slug", "title", "body", "author", "editor_notes", "published", "created"]
        read_only_fields = ["created"]
