"""The bookstore's URLs: its own pages and sign-in, the admin, and sentirec under
``community/``."""

from books import views
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", views.book_list, name="home"),
    path("about/", views.about, name="about"),
    path("admin/", admin.site.urls),
    path("books/", include("books.urls")),
    path("gate/", include("gate.urls")),
    path("community/", include("sentirec.urls")),
]
