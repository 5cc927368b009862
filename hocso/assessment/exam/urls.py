"""The learner's exam under /kiem-tra/: the answer-save hot path, then the pages (namespace "assessment")."""

from django.urls import path

from .views import pages, save

urlpatterns = [
    path("luu-cau-tra-loi/", save.save_answer, name="save_answer"),
    path("nop-bai/", save.submit_attempt, name="submit_attempt"),
    path("", pages.my_quizzes_view, name="exam_my_quizzes"),
    path("<int:quiz_id>/", pages.quiz_view, name="exam_quiz"),
    path("<int:quiz_id>/bat-dau/", pages.start_view, name="exam_start"),
    path("bai-lam/<int:attempt_id>/", pages.attempt_view, name="exam_attempt"),
    path("bai-lam/<int:attempt_id>/nop-bai/", pages.submit_view, name="exam_submit"),
    path("bai-lam/<int:attempt_id>/ket-qua/", pages.result_view, name="exam_result"),
    path("bai-lam/<int:attempt_id>/xem-lai/", pages.review_view, name="exam_review"),
]
