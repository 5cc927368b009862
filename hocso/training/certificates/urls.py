"""Certificate pages: claim, PDF, revoking, issuing to a whole class, and the public verification page. Included by
training's urls.py, in the `training:` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("lop/<int:pk>/cap-chung-nhan/", views.class_certificates, name="class_certificates"),
    path("khoa-hoc/<int:pk>/chung-chi/", views.certificate_claim, name="certificate_claim"),
    path("chung-chi/<str:code>/tai-ve/", views.certificate_pdf, name="certificate_pdf"),
    path("chung-chi/<str:code>/thu-hoi/", views.certificate_revoke, name="certificate_revoke"),
    path("xac-minh/<str:code>/", views.certificate_verify, name="certificate_verify"),
]
