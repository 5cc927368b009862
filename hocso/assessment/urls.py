"""Assessment URLs under /kiem-tra/: the exam (with the answer-save hot path), the question bank, quizzes (authoring)
and their results. Each sub-package has its own patterns; names share the "assessment" namespace."""

from django.urls import include, path

app_name = "assessment"
urlpatterns = [
    path("", include("hocso.assessment.exam.urls")),
    path("ngan-hang/", include("hocso.assessment.bank.urls")),
    path("de-thi/", include("hocso.assessment.quizzes.urls")),
    path("de-thi/", include("hocso.assessment.statistics.urls")),
]
