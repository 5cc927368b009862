import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocso.settings")
application = get_wsgi_application()

# Serving (gunicorn, runserver) with the placeholder key would make sessions and signed links forgeable.
if settings.SECRET_KEY_REQUIRED:
    raise ImproperlyConfigured("SECRET_KEY must be set to serve Học Số (or HOCSO_DEMO=1 for the demo).")
