from django.urls import include, path
from django.views.i18n import set_language

from hocso.campaigns.views_public import public_index

from .api import api

urlpatterns = [
    path("", include("hocso.core.urls")),
    path("", include("hocso.identity.urls")),
    path("don-vi/", include("hocso.org.urls")),
    path("can-bo/", include("hocso.people.urls")),
    path("kiem-tra/", include("hocso.assessment.urls")),
    path("dao-tao/", include("hocso.training.urls")),
    path("dot-kiem-tra/", include("hocso.campaigns.urls")),
    path("cong-khai/", public_index, name="public_index"),  # published results: no login
    path("ngon-ngu/", set_language, name="set_language"),
    path("api/v1/", api.urls),
]
