from django.urls import path

from . import views, views_account, views_sso

app_name = "identity"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", views.login_otp, name="login_otp"),
    path("dang-nhap/sso/", views_sso.sso_start, name="sso_start"),
    path("dang-nhap/sso/callback/", views_sso.sso_callback, name="sso_callback"),
    path("dang-nhap/sso/xac-nhan/", views_sso.sso_confirm, name="sso_confirm"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("quen-mat-khau/", views_account.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", views_account.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/", views_account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("dat-lai-mat-khau/xong/", views_account.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("quyen-rieng-tu/", views_account.privacy_notice, name="privacy_notice"),
    path("dong-y/", views_account.consent, name="consent"),
    path("tai-khoan/", views_account.account, name="account"),
    path("tai-khoan/doi-mat-khau/", views_account.PasswordChangeView.as_view(), name="password_change"),
    path("tai-khoan/xac-thuc-hai-buoc/", views_account.totp_setup, name="totp_setup"),
    path("tai-khoan/xac-thuc-hai-buoc/tat/", views_account.totp_disable, name="totp_disable"),
    path("tai-khoan/dang-xuat-moi-noi/", views_account.sign_out_everywhere, name="sign_out_everywhere"),
    path("tai-khoan/du-lieu-cua-toi/", views_account.my_data, name="my_data"),
    path("tai-khoan/du-lieu-cua-toi/tai-ve.json", views_account.my_data_json, name="my_data_json"),
    path("tai-khoan/du-lieu-cua-toi/tai-ve.xlsx", views_account.my_data_xlsx, name="my_data_xlsx"),
    path("tai-khoan/api-keys/", views.api_keys, name="api_keys"),
    path("tai-khoan/api-keys/tao-moi/", views.api_key_create, name="api_key_create"),
    path("tai-khoan/api-keys/<int:pk>/thu-hoi/", views.api_key_revoke_view, name="api_key_revoke"),
]
