"""Quiz authoring under /kiem-tra/de-thi/ (URL names prefixed quiz_, namespace "assessment")."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.quiz_list, name="quiz_list"),
    path("tao-moi/", views.quiz_create, name="quiz_create"),
    path("tim/", views.quiz_picker, name="quiz_picker"),
    path("<int:pk>/", views.quiz_detail, name="quiz_detail"),
    path("<int:pk>/sua/", views.quiz_edit, name="quiz_edit"),
    path("<int:pk>/xuat-ban/", views.quiz_publish, name="quiz_publish"),
    path("<int:pk>/ngung-xuat-ban/", views.quiz_unpublish, name="quiz_unpublish"),
    path("<int:pk>/sao-chep/", views.quiz_copy, name="quiz_copy"),
    path("<int:pk>/tim-cau-hoi/", views.quiz_question_search, name="quiz_question_search"),
    path("<int:pk>/cau-hoi/them/", views.quiz_slot_add_fixed, name="quiz_slot_add_fixed"),
    path("<int:pk>/cau-hoi/ngau-nhien/", views.quiz_slot_add_random, name="quiz_slot_add_random"),
    path("<int:pk>/cau-hoi/<int:slot_pk>/sua/", views.quiz_slot_edit, name="quiz_slot_edit"),
    path("<int:pk>/cau-hoi/<int:slot_pk>/xoa/", views.quiz_slot_remove, name="quiz_slot_remove"),
    path("<int:pk>/cau-hoi/<int:slot_pk>/di-chuyen/", views.quiz_slot_move, name="quiz_slot_move"),
    path("<int:pk>/ngoai-le/", views.quiz_overrides, name="quiz_overrides"),
    path("<int:pk>/ngoai-le/tim/", views.quiz_override_search, name="quiz_override_search"),
    path("<int:pk>/ngoai-le/<int:override_pk>/xoa/", views.quiz_override_delete, name="quiz_override_delete"),
]
