"""Assessment URLs under /kiem-tra/: the question bank, quizzes (authoring and results) and the exam itself."""

from django.urls import include, path

from . import views_save

app_name = "assessment"
urlpatterns = [
    path("luu-cau-tra-loi/", views_save.save_answer, name="save_answer"),
    path("ngan-hang/", include("hocso.assessment.urls_bank")),
    path("de-thi/", include("hocso.assessment.urls_quiz")),
    path("", include("hocso.assessment.urls_exam")),
]
