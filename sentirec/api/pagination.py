"""Page-number pagination with a client-chosen, capped page size."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M``; M above the cap is the cap, a bad M is the default.

    A page past the end, or a malformed one, is a 404 with the usual error body.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
