#!/usr/bin/env python
"""my-django-app's Django management commands."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "my_django_app.settings")
from django.core.management import execute_from_command_line

execute_from_command_line(sys.argv)
