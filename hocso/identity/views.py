from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocso.core.pagination import paginate, querystring_without_page
from hocso.org.models import Unit

from .forms import LoginForm
from .models import ApiKey
from .scoping import is_province_admin
from .services import api_key_issue, api_key_revoke


class LoginView(auth_views.LoginView):
    template_name = "identity/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


# --- API keys (province administrators only) ------------------------------------------------------------------


class UnitScopeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        # Indented by depth so the tree shows in a plain <select>; the code tells same-named units apart.
        return "— " * obj.depth + obj.name + (f" ({obj.code})" if obj.code else "")


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=200,
        help_text=gettext_lazy("Who uses the key, e.g. “IOC dashboard” or “Website of the commune”."),
    )
    unit = UnitScopeChoiceField(
        label=gettext_lazy("Unit scope"), required=False, queryset=Unit.objects.none(),
        empty_label=gettext_lazy("Whole province"),
        help_text=gettext_lazy("The key sees only this unit and the units below it."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.current().order_by("path")


def _require_province_admin(request) -> None:
    if not is_province_admin(request.user):
        raise PermissionDenied(_("Only province administrators can manage API keys."))


@login_required
def api_keys(request):
    _require_province_admin(request)
    # Keys belong to the province, not to a unit: an administrator sees all of them.
    keys = ApiKey.objects.select_related("unit", "created_by").order_by("revoked_at", "-created_at")
    return render(
        request,
        "identity/api_keys.html",
        {"page": paginate(request, keys), "querystring": querystring_without_page(request)},
    )


@login_required
def api_key_create(request):
    _require_province_admin(request)
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key, raw_key = api_key_issue(
                actor=request.user, name=form.cleaned_data["name"], unit=form.cleaned_data["unit"]
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            # Rendered, not redirected: the raw key must never be stored (not even in the session).
            response = render(request, "identity/api_key_created.html", {"key": key, "raw_key": raw_key})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "identity/api_key_form.html", {"form": form})


@login_required
def api_key_revoke_view(request, pk: int):
    _require_province_admin(request)
    key = ApiKey.objects.select_related("unit").filter(pk=pk).first()
    if key is None:
        raise Http404(_("API key not found."))
    if request.method == "POST":
        try:
            api_key_revoke(actor=request.user, key=key)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, _("The key “%(name)s” has been revoked.") % {"name": key.name})
        return redirect("identity:api_keys")
    return render(request, "identity/api_key_revoke.html", {"key": key})
