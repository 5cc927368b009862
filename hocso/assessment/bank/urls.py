"""Question bank URLs under /kiem-tra/ngan-hang/ (names prefixed bank_ in the "assessment" namespace)."""

from django.urls import path

from . import views_bank as views

urlpatterns = [
    path("", views.home, name="bank_home"),
    path("danh-muc/tao-moi/", views.category_create, name="bank_category_create"),
    path("danh-muc/<int:pk>/", views.category_detail, name="bank_category"),
    path("danh-muc/<int:pk>/xuat/", views.export_category, name="bank_export_category"),
    path("danh-muc/<int:pk>/doi-ten/", views.category_rename, name="bank_category_rename"),
    path("danh-muc/<int:pk>/di-chuyen/", views.category_move, name="bank_category_move"),
    path("danh-muc/<int:pk>/xoa/", views.category_delete, name="bank_category_delete"),
    path("cau-hoi/tao-moi/", views.question_create, name="bank_question_create"),
    path("cau-hoi/dong-moi/", views.form_row, name="bank_form_row"),
    path("cau-hoi/<int:pk>/", views.question_detail, name="bank_question"),
    path("cau-hoi/<int:pk>/sua/", views.question_edit, name="bank_question_edit"),
    path("cau-hoi/<int:pk>/phien-ban/", views.question_versions, name="bank_question_versions"),
    path("cau-hoi/<int:pk>/luu-tru/", views.question_archive, name="bank_question_archive"),
    path("xuat/", views.export_selection, name="bank_export"),
    path("nhap/", views.import_upload, name="bank_import"),
    path("nhap/mau-excel/", views.import_template, name="bank_import_template"),
    path("nhap/<int:pk>/", views.import_preview, name="bank_import_preview"),
    path("anh/<str:name>", views.image, name="bank_image"),
]
