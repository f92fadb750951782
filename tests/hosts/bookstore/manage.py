#!/usr/bin/env python
"""The bookstore host project's manage.py (tests/hosts/bookstore)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookstore.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
