"""Class pages: classes, enrolment (one, a unit, a list, requests), sessions, attendance, QR check-in and the
learner's calendar feed. Included by training's urls.py, in the `training:` namespace."""

from django.urls import path

from .views import classes, enrolment, sessions

urlpatterns = [
    path("quan-ly/<int:course_pk>/lop-moi/", classes.class_create, name="class_create"),
    path("lop/", classes.class_list, name="class_list"),
    path("lop/<int:pk>/", classes.class_detail, name="class"),
    path("lop/<int:pk>/sua/", classes.class_edit, name="class_edit"),
    path("lop/<int:pk>/ghi-danh/", enrolment.class_enrol, name="class_enrol"),
    path("lop/<int:pk>/ghi-danh-theo-don-vi/", enrolment.class_enrol_bulk, name="class_enrol_bulk"),
    path("lop/<int:pk>/ghi-danh-tu-danh-sach/", enrolment.class_enrol_list, name="class_enrol_list"),
    path("lop/<int:pk>/ghi-danh-tu-danh-sach/xac-nhan/", enrolment.class_enrol_list_confirm,
         name="class_enrol_list_confirm"),
    path("lop/<int:pk>/xin-tham-gia/", enrolment.class_request, name="class_request"),
    path("lop/<int:pk>/buoi-moi/", sessions.session_create, name="session_create"),
    path("lop/<int:pk>/diem-danh/", sessions.class_attendance, name="class_attendance"),
    path("buoi/<int:pk>/", sessions.session_detail, name="session"),
    path("buoi/<int:pk>/sua/", sessions.session_edit, name="session_edit"),
    path("buoi/<int:pk>/xoa/", sessions.session_delete, name="session_delete"),
    path("buoi/<int:pk>/ma-qr/", sessions.session_qr, name="session_qr"),
    path("diem-danh/<str:token>/", sessions.checkin, name="checkin"),
    path("lich/<str:token>.ics", sessions.calendar_feed, name="calendar_feed"),
    path("ghi-danh/<int:pk>/duyet/", enrolment.enrolment_decide, name="enrolment_decide"),
    path("ghi-danh/<int:pk>/rut/", enrolment.enrolment_withdraw, name="enrolment_withdraw"),
]
