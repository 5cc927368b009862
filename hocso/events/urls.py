"""Bridge sites under /diem-cau/ (namespace "events")."""

from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("them/", views.site_create, name="site_create"),
    path("<int:pk>/sua/", views.site_edit, name="site_edit"),
    path("xuat.xlsx", views.site_export, name="site_export"),
    path("nhap/", views.site_import, name="site_import"),
    path("nhap/mau.xlsx", views.site_template, name="site_template"),
    path("nhap/<int:pk>/", views.site_import_preview, name="site_import_preview"),
]
