"""A page to explore and try the API, built on the OpenAPI schema (``sentirec:api:schema``).

The explorer is sentirec's own small script (``static/sentirec/api-docs.js``): nothing
is loaded from a CDN, so the docs work offline.
"""

from __future__ import annotations

from django.views.generic import TemplateView

from sentirec.api.base import token_authentication_installed


class DocsView(TemplateView):
    template_name = "sentirec/api_docs.html"

    def get_context_data(self, **kwargs) -> dict:
        """``tokens``: whether to explain token login (only where it works)."""
        return {**super().get_context_data(**kwargs), "tokens": token_authentication_installed()}
