"""Training plan pages. Included by training's urls.py, in the `training:` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("ke-hoach/", views.plan_progress, name="plan_progress"),
    path("ke-hoach/moi/", views.plan_create, name="plan_create"),
    path("ke-hoach/<int:pk>/sua/", views.plan_edit, name="plan_edit"),
]
