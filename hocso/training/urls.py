from django.urls import path

from .certificates import views as views_certificates
from .classes.views import classes as views_classes
from .classes.views import enrolment as views_enrol_list
from .classes.views import sessions as views_sessions
from .courses.views import authoring as views_authoring
from .courses.views import learning as views
from .plans import views as views_plans

app_name = "training"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("khoa-hoc/<int:pk>/", views.course_detail, name="course"),
    path("khoa-hoc/<int:pk>/dang-ky/", views.course_enrol, name="course_enrol"),
    path("bai-hoc/<int:pk>/", views.lesson_view, name="lesson"),
    path("bai-hoc/<int:pk>/tep/", views.lesson_file, name="lesson_file"),
    path("bai-hoc/<int:pk>/mo/", views.lesson_go, name="lesson_go"),
    path("bai-hoc/<int:pk>/tien-do/", views.lesson_progress, name="lesson_progress"),
    path("quan-ly/", views_authoring.course_list, name="manage_list"),
    path("quan-ly/moi/", views_authoring.course_create, name="manage_create"),
    path("quan-ly/<int:pk>/", views_authoring.course_edit, name="manage_course"),
    path("quan-ly/<int:pk>/chuong-moi/", views_authoring.module_create, name="manage_module_create"),
    path("quan-ly/chuong/<int:pk>/", views_authoring.module_edit, name="manage_module"),
    path("quan-ly/chuong/<int:pk>/xoa/", views_authoring.module_delete, name="manage_module_delete"),
    path("quan-ly/chuong/<int:pk>/bai-moi/", views_authoring.lesson_create, name="manage_lesson_create"),
    path("quan-ly/bai/<int:pk>/", views_authoring.lesson_edit, name="manage_lesson"),
    path("quan-ly/bai/<int:pk>/xoa/", views_authoring.lesson_delete, name="manage_lesson_delete"),
    path("quan-ly/<int:course_pk>/lop-moi/", views_classes.class_create, name="class_create"),
    path("lop/", views_classes.class_list, name="class_list"),
    path("lop/<int:pk>/", views_classes.class_detail, name="class"),
    path("lop/<int:pk>/sua/", views_classes.class_edit, name="class_edit"),
    path("lop/<int:pk>/ghi-danh/", views_classes.class_enrol, name="class_enrol"),
    path("lop/<int:pk>/ghi-danh-theo-don-vi/", views_classes.class_enrol_bulk, name="class_enrol_bulk"),
    path("lop/<int:pk>/ghi-danh-tu-danh-sach/", views_enrol_list.class_enrol_list, name="class_enrol_list"),
    path("lop/<int:pk>/ghi-danh-tu-danh-sach/xac-nhan/", views_enrol_list.class_enrol_list_confirm,
         name="class_enrol_list_confirm"),
    path("lop/<int:pk>/cap-chung-nhan/", views_classes.class_certificates, name="class_certificates"),
    path("lop/<int:pk>/xin-tham-gia/", views_classes.class_request, name="class_request"),
    path("lop/<int:pk>/buoi-moi/", views_sessions.session_create, name="session_create"),
    path("lop/<int:pk>/diem-danh/", views_sessions.class_attendance, name="class_attendance"),
    path("buoi/<int:pk>/", views_sessions.session_detail, name="session"),
    path("buoi/<int:pk>/sua/", views_sessions.session_edit, name="session_edit"),
    path("buoi/<int:pk>/xoa/", views_sessions.session_delete, name="session_delete"),
    path("buoi/<int:pk>/ma-qr/", views_sessions.session_qr, name="session_qr"),
    path("diem-danh/<str:token>/", views_sessions.checkin, name="checkin"),
    path("khoa-hoc/<int:pk>/chung-chi/", views_certificates.certificate_claim, name="certificate_claim"),
    path("chung-chi/<str:code>/tai-ve/", views_certificates.certificate_pdf, name="certificate_pdf"),
    path("chung-chi/<str:code>/thu-hoi/", views_certificates.certificate_revoke, name="certificate_revoke"),
    path("xac-minh/<str:code>/", views_certificates.certificate_verify, name="certificate_verify"),
    path("lich/<str:token>.ics", views_certificates.calendar_feed, name="calendar_feed"),
    path("ghi-danh/<int:pk>/duyet/", views_classes.enrolment_decide, name="enrolment_decide"),
    path("ghi-danh/<int:pk>/rut/", views_classes.enrolment_withdraw, name="enrolment_withdraw"),
    path("ke-hoach/", views_plans.plan_progress, name="plan_progress"),
    path("ke-hoach/moi/", views_plans.plan_create, name="plan_create"),
    path("ke-hoach/<int:pk>/sua/", views_plans.plan_edit, name="plan_edit"),
]
