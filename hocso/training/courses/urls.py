"""Course pages: the learner's (catalogue, course, lesson) and authoring (quan-ly/). Included by training's urls.py,
in the `training:` namespace."""

from django.urls import path

from .views import authoring, files, learning

urlpatterns = [
    path("", learning.catalogue, name="catalogue"),
    path("khoa-hoc/<int:pk>/", learning.course_detail, name="course"),
    path("khoa-hoc/<int:pk>/dang-ky/", learning.course_enrol, name="course_enrol"),
    path("bai-hoc/<int:pk>/", learning.lesson_view, name="lesson"),
    path("bai-hoc/<int:pk>/tep/", files.lesson_file, name="lesson_file"),
    path("bai-hoc/<int:pk>/mo/", learning.lesson_go, name="lesson_go"),
    path("bai-hoc/<int:pk>/tien-do/", learning.lesson_progress, name="lesson_progress"),
    path("quan-ly/", authoring.course_list, name="manage_list"),
    path("quan-ly/moi/", authoring.course_create, name="manage_create"),
    path("quan-ly/<int:pk>/", authoring.course_edit, name="manage_course"),
    path("quan-ly/<int:pk>/chuong-moi/", authoring.module_create, name="manage_module_create"),
    path("quan-ly/chuong/<int:pk>/", authoring.module_edit, name="manage_module"),
    path("quan-ly/chuong/<int:pk>/xoa/", authoring.module_delete, name="manage_module_delete"),
    path("quan-ly/chuong/<int:pk>/bai-moi/", authoring.lesson_create, name="manage_lesson_create"),
    path("quan-ly/bai/<int:pk>/", authoring.lesson_edit, name="manage_lesson"),
    path("quan-ly/bai/<int:pk>/xoa/", authoring.lesson_delete, name="manage_lesson_delete"),
]
