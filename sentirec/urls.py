"""sentirec's pages and its REST API. Include it at the site's root or under a prefix."""

from django.urls import include, path, register_converter

from sentirec.converters import ItemPkConverter
from sentirec.views import accounts, feed, items, pages, people, pictures, status

app_name = "sentirec"

register_converter(ItemPkConverter, "sentirec_item")

urlpatterns = [
    path("", feed.home, name="home"),
    path("items/", items.item_list, name="item-list"),
    path("items/<sentirec_item:pk>/", items.item_detail, name="item-detail"),
    path("items/<sentirec_item:pk>/picture.svg", pictures.item_picture, name="item-picture"),
    path("items/<sentirec_item:pk>/review/", items.review_save, name="review-save"),
    path("items/<sentirec_item:pk>/review/delete/", items.review_delete, name="review-delete"),
    path("items/<sentirec_item:pk>/rating/", items.rating_save, name="rating-save"),
    path("people/", people.directory, name="people"),
    path("people/<str:username>/", people.profile, name="profile"),
    path("people/<str:username>/follow/", people.follow, name="follow"),
    path("people/<str:username>/unfollow/", people.unfollow, name="unfollow"),
    path("reviews/status/", status.review_status, name="review-status"),
    path("signup/", accounts.signup, name="signup"),
    path("about/", pages.about, name="about"),
    path("api/", include("sentirec.api.urls")),
]
