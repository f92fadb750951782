"""Page-number pagination with a client-chosen, capped page size."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M``; M above the cap is the cap; an M that is not a whole
    number from 1 up (``null``, ``abc``, ``0``, a full-width digit) is a 400 naming
    ``page_size``, as the schema's integer says.

    A page past the end, or a malformed one, is a 404 with the usual error body.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"A whole number from 1 up (above {self.max_page_size} a page holds "
                        f"{self.max_page_size})."
                    ]
                }
            )
        return min(int(raw), self.max_page_size)

    def get_page_number(self, request, paginator) -> str | int:
        """An empty ``?page=`` or one in other than ASCII digits (Python reads a full-width
        "２" as 2) is malformed: a 404, like ``?page=abc``, not page 1 or 2."""
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit()):
            raise NotFound(self.invalid_page_message.format(page_number=raw, message=""))
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = (
                    f"Results per page (default {self.page_size}; above "
                    f"{self.max_page_size} a page holds {self.max_page_size})."
                )
        return parameters
