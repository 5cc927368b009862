from django.urls import path

from . import views, views_public

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("moi/", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/sua/", views.campaign_edit, name="edit"),
    path("<int:pk>/theo-doi/", views.follow_up, name="follow_up"),
    path("<int:pk>/ket-qua/", views.results, name="results"),
    path("<int:pk>/cong-bo/", views.publish, name="publish"),
    path("<int:pk>/ban-cong-bo/<int:version>.<str:fmt>", views.snapshot_download, name="snapshot_download"),
    path("<int:pk>/bao-cao/<int:version>.<str:fmt>", views.official_report, name="official_report"),
    path("cong-khai/<int:pk>/", views_public.board, name="public_board"),
    path("cong-khai/<int:pk>/widget/<int:unit_id>/", views_public.widget, name="widget"),
]
