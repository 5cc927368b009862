"""The root URLs (ROOT_URLCONF): every app's pages under its Vietnamese prefix, the public index and the API."""

from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.i18n import set_language

from hocso.campaigns.views_public import public_index
from hocso.core import urls as core_urls

from . import views
from .api import api

# The home page keeps its name core:home (templates, tests and LOGIN_REDIRECT_URL use it); the view is the site's.
core_patterns = [path("", views.home, name="home"), *core_urls.urlpatterns]

# The exam's pages first: Django tries the patterns in order, and on exam day nearly every request is one of them
# (the identity app's two dozen patterns before them were tried in vain on each). No prefix overlaps another.
urlpatterns = [
    path("kiem-tra/", include("hocso.assessment.urls")),
    path("", include((core_patterns, core_urls.app_name))),
    path("", include("hocso.identity.urls")),
    path("don-vi/", include("hocso.org.urls")),
    path("can-bo/", include("hocso.people.urls")),
    path("dao-tao/", include("hocso.training.urls")),
    path("dot-kiem-tra/", include("hocso.campaigns.urls")),
    path("", include("hocso.events.urls")),  # /diem-cau/ and /chuong-trinh/
    path("cong-khai/", public_index, name="public_index"),  # published results: no login
    path("ngon-ngu/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    # Pages link the icon (base.html); browsers that ask for /favicon.ico anyway get it rather than a 404. Lazy:
    # in production the static file's hashed name is read from the manifest when first asked, not at import.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("hocso/favicon.svg"), permanent=True)),
]
