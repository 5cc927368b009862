from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.learner_list, name="list"),
    path("them/", views.learner_create, name="create"),
    path("don-vi/", views.unit_search_results, name="unit_search"),
    path("<int:pk>/", views.learner_detail, name="detail"),
    path("<int:pk>/cccd/", views.learner_reveal_cccd, name="reveal_cccd"),
    path("<int:pk>/sua/", views.learner_edit, name="edit"),
    path("<int:pk>/chuyen-don-vi/", views.learner_move, name="move"),
    path("<int:pk>/nghi/", views.learner_leave, name="leave"),
    path("<int:pk>/tao-tai-khoan/", views.learner_create_account, name="create_account"),
    path("vai-tro/", views.roles, name="roles"),
    path("vai-tro/tim-nguoi/", views.role_person_search, name="role_person_search"),
    path("vai-tro/<int:pk>/thu-hoi/", views.role_revoke, name="role_revoke"),
]
