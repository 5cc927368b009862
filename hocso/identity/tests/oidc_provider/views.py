"""Test controls (JSON, token-guarded) and a who-am-I probe for the logout test."""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponseForbidden, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import get_application_model

from . import validators
from .models import Profile


def control(view):
    @csrf_exempt
    @wraps(view)
    def wrapper(request):
        token = request.headers.get("X-Control-Token", "")
        if request.method != "POST" or not constant_time_compare(token, settings.PROVIDER_CONTROL_TOKEN):
            return HttpResponseForbidden()
        return view(request, json.loads(request.body or b"{}"))

    return wrapper


@control
def users(request, data):
    user, _created = get_user_model().objects.get_or_create(username=data["username"])
    user.email = data.get("email", "")
    user.set_password(data["password"])
    user.save()
    Profile.objects.update_or_create(user=user, defaults={
        "name": data.get("name", ""), "cccd": data.get("cccd", ""), "email_verified": data.get("email_verified", False),
    })
    return JsonResponse({"sub": str(user.pk)})


@control
def clients(request, data):
    Application = get_application_model()
    app = Application.objects.filter(client_id=data["client_id"]).first() or Application(client_id=data["client_id"])
    app.client_secret = data["client_secret"]
    app.client_type = Application.CLIENT_CONFIDENTIAL
    app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    app.redirect_uris = " ".join(data["redirect_uris"])
    app.post_logout_redirect_uris = " ".join(data.get("post_logout_redirect_uris", []))
    app.algorithm = Application.RS256_ALGORITHM
    app.skip_authorization = True
    app.name = data.get("name", "Học Số")
    app.save()
    return JsonResponse({"client_id": app.client_id})


@control
def tamper(request, data):
    validators.arm(data.get("mode", ""))
    return JsonResponse({"armed": data.get("mode", "")})


def whoami(request):
    return JsonResponse({"username": request.user.get_username() if request.user.is_authenticated else None})
