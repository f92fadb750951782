"""``python -m sentirec.sentiment``: the command line of :mod:`sentirec.sentiment.cli`."""

import sys

from .cli import main

sys.exit(main())
