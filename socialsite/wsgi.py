"""The demo site's WSGI application; it refuses to serve with DEBUG off and the public
demo secret key, since WSGI servers run no system checks."""

import os

from django.core.wsgi import get_wsgi_application

from socialsite.checks import refuse_to_serve_unsafely

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialsite.settings")
application = get_wsgi_application()
refuse_to_serve_unsafely()  # WSGI servers run no system checks; this one must not be skipped
