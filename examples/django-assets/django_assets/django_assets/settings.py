import json
import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY")
DEBUG = os.environ.get("DJANGO_DEBUG") == "true"
ALLOWED_HOSTS = json.loads(os.environ.get("DJANGO_ALLOWED_HOSTS", "[]"))
ROOT_URLCONF = "django_assets.urls"
WSGI_APPLICATION = "django_assets.wsgi.application"
