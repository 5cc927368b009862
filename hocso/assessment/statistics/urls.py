"""A quiz's results, item analysis, attempts and regrade under /kiem-tra/de-thi/<quiz>/ (URL names prefixed
quiz_, namespace "assessment", as the quiz's other pages)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/ket-qua/", views.quiz_results, name="quiz_results"),
    path("<int:pk>/ket-qua/xuat-excel/", views.quiz_results_export, name="quiz_results_export"),
    path("<int:pk>/thong-ke/", views.quiz_statistics, name="quiz_statistics"),
    path("<int:pk>/cham-lai/", views.quiz_regrade, name="quiz_regrade"),
    path("<int:pk>/bai-lam/<int:attempt_pk>/", views.quiz_attempt, name="quiz_attempt"),
    path("<int:pk>/bai-lam/<int:attempt_pk>/cham/<int:slot>/", views.quiz_attempt_grade, name="quiz_attempt_grade"),
]
