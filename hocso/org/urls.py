from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("tao-moi/", views.create, name="create"),
    path("tim/", views.picker, name="picker"),
    path("doi-tuong/", views.target_groups, name="target_groups"),
    path("doi-tuong/them/", views.target_group_create, name="target_group_create"),
    path("doi-tuong/<int:pk>/sua/", views.target_group_edit, name="target_group_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/con/", views.children, name="children"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/chuyen/", views.move, name="move"),
    path("<int:pk>/sap-nhap/", views.merge, name="merge"),
    path("<int:pk>/chia-tach/", views.split, name="split"),
]
