"""The demo site's settings plus django-activity-stream, for ``benchmarks/feed.py`` only.

The naive feed the benchmark compares with is django-activity-stream's own
``Action.objects.user`` over its own tables, so its app must be installed (and
migrated) in the benchmark's databases; the site itself never installs it.
"""

from socialsite.settings import *  # noqa: F403
from socialsite.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "actstream"]
ACTSTREAM_SETTINGS = {"FETCH_RELATIONS": True, "USE_JSONFIELD": False}
