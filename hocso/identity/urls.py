from django.urls import path

from . import views

app_name = "identity"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/api-keys/", views.api_keys, name="api_keys"),
    path("tai-khoan/api-keys/tao-moi/", views.api_key_create, name="api_key_create"),
    path("tai-khoan/api-keys/<int:pk>/thu-hoi/", views.api_key_revoke_view, name="api_key_revoke"),
]
