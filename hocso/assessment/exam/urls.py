"""The learner's exam pages under /kiem-tra/ (the answer-save endpoint is in urls.py)."""

from django.urls import path

from . import views_exam

urlpatterns = [
    path("", views_exam.my_quizzes_view, name="exam_my_quizzes"),
    path("<int:quiz_id>/", views_exam.quiz_view, name="exam_quiz"),
    path("<int:quiz_id>/bat-dau/", views_exam.start_view, name="exam_start"),
    path("bai-lam/<int:attempt_id>/", views_exam.attempt_view, name="exam_attempt"),
    path("bai-lam/<int:attempt_id>/nop-bai/", views_exam.submit_view, name="exam_submit"),
    path("bai-lam/<int:attempt_id>/ket-qua/", views_exam.result_view, name="exam_result"),
    path("bai-lam/<int:attempt_id>/xem-lai/", views_exam.review_view, name="exam_review"),
]
