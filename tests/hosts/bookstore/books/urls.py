from django.urls import path

from books import views

app_name = "books"
urlpatterns = [path("<uuid:pk>/", views.book_detail, name="detail")]
