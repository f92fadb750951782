"""The blog's pages (published posts only) and its own REST viewset of posts."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from rest_framework import viewsets

from tests.hosts.blogapi.blog.models import Post
from tests.hosts.blogapi.blog.serializers import PostSerializer


class PostViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.order_by("slug")
    serializer_class = PostSerializer
    ordering_fields = ["created", "title"]


def post_list(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.filter(published=True).order_by("slug")
    items = "".join(f"<li>{escape(post.title)}</li>" for post in posts)
    return HttpResponse(f"<h1>Blog</h1><ul>{items}</ul>")


def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(Post, slug=slug, published=True)
    return HttpResponse(f"<h1>{escape(post.title)}</h1><p>{escape(post.body)}</p>")
