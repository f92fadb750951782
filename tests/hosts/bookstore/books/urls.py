"""A book's page, by UUID (namespace ``books``)."""

from django.urls import path

from books import views

app_name = "books"
urlpatterns = [path("<uuid:pk>/", views.book_detail, name="detail")]
