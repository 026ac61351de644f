"""{{name}}'s Django settings, from the environment paas-charm gives the app."""

import json
import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY")
DEBUG = os.environ.get("DJANGO_DEBUG") == "true"
ALLOWED_HOSTS = json.loads(os.environ.get("DJANGO_ALLOWED_HOSTS", "[]"))
ROOT_URLCONF = "{{snake}}.urls"
WSGI_APPLICATION = "{{snake}}.wsgi.application"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRESQL_DB_NAME"),
        "USER": os.environ.get("POSTGRESQL_DB_USERNAME"),
        "PASSWORD": os.environ.get("POSTGRESQL_DB_PASSWORD"),
        "HOST": os.environ.get("POSTGRESQL_DB_HOSTNAME"),
        "PORT": os.environ.get("POSTGRESQL_DB_PORT", "5432"),
    }
}
