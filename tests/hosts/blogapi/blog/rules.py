"""Who may see which post: visitors the published ones, signed-in users all."""

from tests.hosts.blogapi.blog.models import Post


def visible_posts(user):
    return Post.objects.all() if user.is_authenticated else Post.objects.filter(published=True)
