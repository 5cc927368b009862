from django.urls import path

from . import views, views_import

app_name = "people"
urlpatterns = [
    path("", views.learner_list, name="list"),
    path("them/", views.learner_create, name="create"),
    path("don-vi/", views.unit_search_results, name="unit_search"),
    path("<int:pk>/", views.learner_detail, name="detail"),
    path("<int:pk>/cccd/", views.learner_reveal_cccd, name="reveal_cccd"),
    path("<int:pk>/sua/", views.learner_edit, name="edit"),
    path("<int:pk>/chuyen-don-vi/", views.learner_move, name="move"),
    path("<int:pk>/nghi/", views.learner_leave, name="leave"),
    path("<int:pk>/tao-tai-khoan/", views.learner_create_account, name="create_account"),
    path("vai-tro/", views.roles, name="roles"),
    path("vai-tro/tim-nguoi/", views.role_person_search, name="role_person_search"),
    path("vai-tro/tai-khoan/", views.account_picker, name="account_picker"),
    path("vai-tro/<int:pk>/thu-hoi/", views.role_revoke, name="role_revoke"),
    # Staff import and export (views_import.py)
    path("nhap/", views_import.import_upload, name="import"),
    path("nhap/mau.xlsx", views_import.import_template, name="import_template"),
    path("nhap/<uuid:pk>/", views_import.import_job, name="import_job"),
    path("nhap/<uuid:pk>/tien-do/", views_import.import_progress, name="import_progress"),
    path("nhap/<uuid:pk>/xac-nhan/", views_import.import_confirm, name="import_confirm"),
    path("nhap/<uuid:pk>/huy/", views_import.import_cancel, name="import_cancel"),
    path("nhap/<uuid:pk>/trang-tinh/", views_import.import_sheet, name="import_sheet"),
    path("nhap/<uuid:pk>/loi.xlsx", views_import.import_errors, name="import_errors"),
    path("xuat.xlsx", views_import.learner_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("xuat.csv", views_import.learner_export, {"fmt": "csv"}, name="export_csv"),
]
