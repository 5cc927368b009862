"""Training's pages, under /dao-tao/, in the `training:` namespace; each sub-package lists its own."""

from django.urls import include, path

app_name = "training"

urlpatterns = [
    path("", include("hocso.training.courses.urls")),
    path("", include("hocso.training.classes.urls")),
    path("", include("hocso.training.certificates.urls")),
    path("", include("hocso.training.plans.urls")),
]
