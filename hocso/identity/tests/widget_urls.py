"""URLs for the framing test: the site's own, plus a stand-in for the public results widget."""

from django.http import HttpResponse
from django.urls import include, path

from hocso.core.security import frameable


@frameable
def widget(request):
    return HttpResponse("<p>Kết quả</p>")


urlpatterns = [
    path("widget-thu/", widget),
    path("", include("hocso.site.urls")),
]
