import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocso.settings")
django_application = get_wsgi_application()

from django.urls import reverse  # noqa: E402 - needs the settings configured above

from hocso.assessment.exam.views.save_wsgi import AnswerSaveApp  # noqa: E402
from hocso.core.wsgi_paths import PathDispatcher  # noqa: E402

# The exam's token-authorised paths skip the session/auth/CSRF middleware they do not use (hocso/core/wsgi_paths.py);
# in front of the answer save, a bare WSGI application answers every save that is stored.
application = PathDispatcher(django_application, lean_paths=[reverse("assessment:submit_attempt")],
                             front={reverse("assessment:save_answer"): AnswerSaveApp})

# Serving (gunicorn, runserver) with the placeholder key would make sessions and signed links forgeable.
if settings.SECRET_KEY_REQUIRED:
    raise ImproperlyConfigured("SECRET_KEY must be set to serve Học Số (or HOCSO_DEMO=1 for the demo).")
