"""Question bank URLs under /kiem-tra/ngan-hang/ (names prefixed bank_ in the "assessment" namespace)."""

from django.urls import path

from .views import categories, files, questions

urlpatterns = [
    path("", categories.home, name="bank_home"),
    path("danh-muc/tao-moi/", categories.category_create, name="bank_category_create"),
    path("danh-muc/<int:pk>/", categories.category_detail, name="bank_category"),
    path("danh-muc/<int:pk>/xuat/", files.export_category, name="bank_export_category"),
    path("danh-muc/<int:pk>/doi-ten/", categories.category_rename, name="bank_category_rename"),
    path("danh-muc/<int:pk>/di-chuyen/", categories.category_move, name="bank_category_move"),
    path("danh-muc/<int:pk>/xoa/", categories.category_delete, name="bank_category_delete"),
    path("cau-hoi/tao-moi/", questions.question_create, name="bank_question_create"),
    path("cau-hoi/dong-moi/", questions.form_row, name="bank_form_row"),
    path("cau-hoi/<int:pk>/", questions.question_detail, name="bank_question"),
    path("cau-hoi/<int:pk>/sua/", questions.question_edit, name="bank_question_edit"),
    path("cau-hoi/<int:pk>/phien-ban/", questions.question_versions, name="bank_question_versions"),
    path("cau-hoi/<int:pk>/luu-tru/", questions.question_archive, name="bank_question_archive"),
    path("xuat/", files.export_selection, name="bank_export"),
    path("nhap/", files.import_upload, name="bank_import"),
    path("nhap/mau-excel/", files.import_template, name="bank_import_template"),
    path("nhap/<int:pk>/", files.import_preview, name="bank_import_preview"),
    path("anh/<str:name>", questions.image, name="bank_image"),
]
