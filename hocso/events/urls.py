"""Bridge sites under /diem-cau/ and programmes under /chuong-trinh/ (namespace "events")."""

from django.urls import path

from . import checkin_views as checkin
from . import programme_views as programmes
from . import views, views_public

app_name = "events"
urlpatterns = [
    path("diem-cau/", views.site_list, name="site_list"),
    path("diem-cau/them/", views.site_create, name="site_create"),
    path("diem-cau/<int:pk>/sua/", views.site_edit, name="site_edit"),
    path("diem-cau/xuat.xlsx", views.site_export, name="site_export"),
    path("diem-cau/nhap/", views.site_import, name="site_import"),
    path("diem-cau/nhap/mau.xlsx", views.site_template, name="site_template"),
    path("diem-cau/nhap/<int:pk>/", views.site_import_preview, name="site_import_preview"),
    path("chuong-trinh/", programmes.programme_list, name="programme_list"),
    path("chuong-trinh/them/", programmes.programme_create, name="programme_create"),
    path("chuong-trinh/<int:pk>/", programmes.programme_detail, name="programme_detail"),
    path("chuong-trinh/<int:pk>/sua/", programmes.programme_edit, name="programme_edit"),
    path("chuong-trinh/<int:pk>/cong-bo/", programmes.programme_publish, name="programme_publish"),
    path("chuong-trinh/<int:pk>/chung-nhan/", programmes.programme_certificates, name="programme_certificates"),
    path("cong-khai/chuong-trinh/", views_public.public_programmes, name="public_programmes"),
    path("cong-khai/chuong-trinh/<int:pk>/", views_public.public_programme, name="public_programme"),
    path("chuong-trinh/<int:pk>/diem-danh.<str:fmt>", programmes.programme_report, name="programme_report"),
    path("chuong-trinh/<int:pk>/diem-cau/them-tat-ca/", programmes.programme_sites_add_all,
         name="programme_sites_add_all"),
    path("chuong-trinh/<int:pk>/diem-cau/tinh-lai/", programmes.programme_expected_recompute,
         name="programme_expected_recompute"),
    path("chuong-trinh/<int:pk>/diem-cau/<int:site_pk>/", programmes.site_programme, name="site_programme"),
    path("chuong-trinh/<int:pk>/diem-cau/<int:site_pk>/bo/", programmes.programme_site_remove,
         name="programme_site_remove"),
    path("chuong-trinh/<int:pk>/diem-cau/<int:site_pk>/buoi/<int:session_pk>/chuan-bi/",
         programmes.readiness_confirm, name="readiness_confirm"),
    path("chuong-trinh/<int:pk>/diem-cau/<int:site_pk>/buoi/<int:session_pk>/diem-danh/", checkin.site_checkin,
         name="site_checkin"),
    path("chuong-trinh/<int:pk>/diem-cau/<int:site_pk>/buoi/<int:session_pk>/ma-qr/", checkin.site_qr,
         name="site_qr"),
    path("chuong-trinh/<int:pk>/diem-cau/<int:site_pk>/buoi/<int:session_pk>/so-lieu.json", checkin.site_figures,
         name="site_figures"),
    path("diem-danh/<str:token>/", checkin.qr_checkin, name="qr_checkin"),
    path("chuong-trinh/webhook/bigbluebutton/", programmes.bbb_webhook, name="bbb_webhook"),
    path("chuong-trinh/<int:pk>/buoi/them/", programmes.session_create, name="session_create"),
    path("chuong-trinh/<int:pk>/buoi/<int:session_pk>/sua/", programmes.session_edit, name="session_edit"),
    path("chuong-trinh/<int:pk>/buoi/<int:session_pk>/truc-tiep/", programmes.session_board, name="session_board"),
    path("chuong-trinh/<int:pk>/buoi/<int:session_pk>/truc-tiep.json", programmes.session_board_json,
         name="session_board_json"),
    path("chuong-trinh/<int:pk>/buoi/<int:session_pk>/san-sang/", programmes.session_readiness,
         name="session_readiness"),
]
