from django.urls import path

from . import views

# The "core" namespace also holds the home page (core:home), a view of hocso.site added by hocso.site.urls: the
# name stays what templates, tests and LOGIN_REDIRECT_URL say, while core imports no domain app.
app_name = "core"
urlpatterns = [
    path("nhat-ky/", views.audit_log, name="audit"),
    path("nhat-ky/xuat.xlsx", views.audit_log_export, {"fmt": "xlsx"}, name="audit_export_xlsx"),
    path("nhat-ky/xuat.csv", views.audit_log_export, {"fmt": "csv"}, name="audit_export_csv"),
    path("healthz", views.healthz, name="healthz"),
]
