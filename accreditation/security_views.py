"""Pages for account security: the second factor, password and email changes, sessions."""

import base64
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .forms import ChangeEmailForm, ChangePasswordForm, OneTimeCodeForm, PersonSearchForm, SetupCodeForm
from .models import User, UserSession
from .permissions import can_manage_accounts, has_second_factor, second_factor_mandatory


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(default)


@never_cache
@login_required
def two_factor_setup(request):
    if has_second_factor(request.user) and not request.user.is_verified():
        # Setting up a new authenticator must not be a way round the one already set up.
        return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = services.second_factor_pending_device(user=request.user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.second_factor_confirm(
                user=request.user, device_id=device.pk, token=form.cleaned_data["code"]
            )
        except services.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            otp_login(request, device)
            request.session["recovery_codes"] = codes
            request.session["after_recovery_codes"] = _next_url(request)
            return redirect("accounts:recovery_codes")
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_data_uri": qr.svg_data_uri(scale=5, dark="#0b0c0c", border=2),
        "secret": " ".join(_chunks(base64.b32encode(device.bin_key).decode().rstrip("="), 4)),
        "mandatory": second_factor_mandatory(request.user),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_verify(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not has_second_factor(request.user):
        return redirect("accounts:two_factor_setup")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_verify(user=request.user, token=form.cleaned_data["code"])
        except services.SecondFactorError as error:
            credentials = {"username": request.user.email}
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if AxesProxyHandler.is_locked(request, credentials):
                logout(request)
                from .views import locked_out

                return locked_out(request)
            form.add_error("code", str(error))
        else:
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
def recovery_codes(request):
    codes = request.session.pop("recovery_codes", None)
    after = request.session.pop("after_recovery_codes", reverse("home"))
    if not codes:
        messages.info(request, "Recovery codes are shown only once, when you set up your authenticator app.")
        return redirect("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "after": after})


@login_required
def security(request):
    sessions = UserSession.objects.filter(user=request.user)
    return render(
        request,
        "accounts/security.html",
        {
            "has_second_factor": has_second_factor(request.user),
            "mandatory": second_factor_mandatory(request.user),
            "sessions": sessions,
            "current_key": request.session.session_key,
        },
    )


@login_required
def password_change(request):
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(
            user=request.user,
            new_password=form.cleaned_data["new_password1"],
            keep_session_key=request.session.session_key,
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, "Your password has been changed. You have been signed out everywhere else.")
        return redirect("accounts:security")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def email_change(request):
    form = ChangeEmailForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.email_change(
            user=request.user, new_email=form.cleaned_data["email"], keep_session_key=request.session.session_key
        )
        messages.success(request, "Your email address has been changed. You have been signed out everywhere else.")
        return redirect("accounts:security")
    return render(request, "accounts/email_change.html", {"form": form})


@require_POST
@login_required
def sessions_sign_out_others(request):
    ended = services.sessions_end(user=request.user, keep_session_key=request.session.session_key)
    messages.success(request, f"You have been signed out of {ended} other session{'s' if ended != 1 else ''}.")
    return redirect("accounts:security")


@require_POST
@login_required
def two_factor_remove(request):
    if second_factor_mandatory(request.user):
        raise PermissionDenied("Your role needs a second factor.")
    services.second_factor_reset(user=request.user, actor=request.user, keep_session_key=request.session.session_key)
    messages.success(request, "Your authenticator app has been removed. You will sign in with your password only.")
    return redirect("accounts:security")


@login_required
def people(request):
    if not can_manage_accounts(request.user):
        raise PermissionDenied
    form = PersonSearchForm(request.GET or None)
    found = User.objects.none()
    if form.is_valid() and form.cleaned_data["q"].strip():
        q = form.cleaned_data["q"].strip()
        found = (
            User.objects.filter(Q(email__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
            .annotate(has_authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
            .order_by("email")[:50]
        )
    return render(request, "accounts/people.html", {"form": form, "found": found})


@login_required
def person_reset_second_factor(request, pk):
    if not can_manage_accounts(request.user):
        raise PermissionDenied
    person = get_object_or_404(User, pk=pk)
    if person.is_superuser and not request.user.is_superuser:
        raise PermissionDenied("Only support staff can reset a support account's second factor.")
    if request.method == "POST":
        services.second_factor_reset(user=person, actor=request.user)
        messages.success(request, f"The second factor for {person.email} has been reset.")
        return redirect(f"{reverse('accounts:people')}?q={person.email}")
    return render(
        request, "accounts/person_reset_second_factor.html", {"person": person, "has_device": has_second_factor(person)}
    )


def _chunks(text, size):
    return [text[i : i + size] for i in range(0, len(text), size)]
