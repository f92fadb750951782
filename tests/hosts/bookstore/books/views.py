"""The bookstore's own pages: the list, about, and a book's page for readers allowed to
see books."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from books.models import Book


def book_list(request: HttpRequest) -> HttpResponse:
    return render(request, "books/book_list.html", {"books": Book.objects.all()})


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "books/about.html")


@never_cache  # it shows the reader's own review
@login_required
@permission_required("books.view_book", raise_exception=True)
def book_detail(request: HttpRequest, pk: str) -> HttpResponse:
    return render(request, "books/book_detail.html", {"book": get_object_or_404(Book, pk=pk)})
