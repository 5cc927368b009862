from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", auth_views.LoginView.as_view(template_name="oidc_provider/login.html"), name="login"),
    path("_test/users/", views.users),
    path("_test/clients/", views.clients),
    path("_test/tamper/", views.tamper),
    path("_test/whoami/", views.whoami),
]
