"""The REST API (Django REST framework): serializers, views, filters, permissions,
throttles, token sign-in and the OpenAPI schema; ``sentirec.api.urls`` mounts it."""
