"""An API-only blog that already runs DRF its own way (host (b) of issue 11): a string
(slug) primary key, a private field, a global ``IsAuthenticated``, Basic and token
authentication, limit/offset pagination, an ordering filter backend, its own schema and a
``PostSerializer``; sentirec is mounted at the root.

``BLOGAPI_SENTIREC=0`` runs the same site without sentirec (not installed, not routed),
to show that the host answers exactly as before it was installed.
"""

from .celery import app as celery_app

__all__ = ("celery_app",)
