"""URLs for the error-page tests: the site's own, plus a view that fails."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("hong/", broken),
    path("", include("hocso.site.urls")),
]
