import inspect
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from . import audit, services, throttle
from . import home as home_panels
from .forms import ChoosePasswordForm, PasswordResetRequestForm, SignInForm
from .middleware import SESSION_LAST_SEEN, SESSION_STARTED, client_ip
from .templatetags.portal import drawn_once, service_names

# Where the sign-in page's CSRF token goes while the page is drawn once (SignInView.get).
_TOKEN_SLOT = "csrf-token-slot-" + "0" * 16


def start_session_clock(sender, request, user, **kwargs):
    """Receives user_logged_in, whichever view signed the person in: starts the session timeouts
    and records where they signed in, so "sign out everywhere" reaches every session."""
    if request is None:
        return
    request.session[SESSION_STARTED] = request.session[SESSION_LAST_SEEN] = time.time()
    if not request.session.session_key:
        request.session.save()
    services.session_started(
        user=user,
        session_key=request.session.session_key,
        ip_address=audit.current_ip.get(),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


@login_required
def home(request):
    return render(request, "accreditation/home.html", {"panels": home_panels.panels_for(request.user)})


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    # LoginView wraps dispatch in sensitive_post_parameters, csrf_protect and never_cache with
    # method_decorator, which applies them afresh on every request (a CSRF middleware built and
    # run a second time for each). Here dispatch is LoginView's own, unwrapped, and the same three
    # decorators, in the same order, are applied once to the view function (as_view below), as
    # Django's "decorating in URLconf" does (issue 20's floor). tests/test_cheap_floor.py checks all three.
    dispatch = inspect.unwrap(auth_views.LoginView.dispatch)

    @classmethod
    def as_view(cls, **initkwargs):
        return sensitive_post_parameters()(csrf_protect(never_cache(super().as_view(**initkwargs))))

    def get(self, request, *args, **kwargs):
        # The empty form is the same for everyone: its fields are drawn once per process from the
        # include a bound form uses, and no form object is built for a GET (issue 20's floor).
        # The context is what the page draws: LoginView's adds the site and the "next" address,
        # which the page does not show (the form posts back to its own address, query and all).
        if len(messages.get_messages(request)):  # a message to show ("your session timed out")
            return self.render_to_response({"view": self, "form": None, "blank_fields": self._blank_fields()})
        # Without one, the whole page is the same for every signed-out visitor but for its CSRF
        # token: it is drawn once per process from settings alone (no request, no person, no
        # message), and each request puts in its own token with Django's get_token, which also sets
        # the cookie (a fifth of the page's time went on drawing the same HTML again).
        before, after = drawn_once("sign-in page", self._page_around_token)
        return HttpResponse(before + get_token(request) + after)

    def _blank_fields(self):
        return drawn_once(
            "sign-in fields",
            lambda: render_to_string("accounts/_sign_in_fields.html", {"form": self.get_form_class()()}),
        )

    def _page_around_token(self) -> tuple[str, str]:
        """The signed-out page drawn without a request (so nothing but settings reaches it), split
        where its one CSRF token goes."""
        html = render_to_string(
            self.template_name,
            {
                **service_names(),
                "user": AnonymousUser(),
                "messages": (),
                "form": None,
                "blank_fields": self._blank_fields(),
                "csrf_token": _TOKEN_SLOT,
            },
        )
        parts = html.split(_TOKEN_SLOT)
        if len(parts) != 2:
            raise ImproperlyConfigured(f"{self.template_name} must draw {{% csrf_token %}} exactly once")
        return parts[0], parts[1]

    def post(self, request, *args, **kwargs):
        # The address as django-axes records it: the proxy's header only when PROXY_COUNT trusts one.
        ip = client_ip(request)
        wait = throttle.sign_in_wait_seconds(ip)
        if wait:
            return sign_in_throttled(request, wait, ip)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(actor=form.get_user(), action="user.signed_in", target=form.get_user())
        return response


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        services.session_ended(session_key=request.session.session_key)
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response


@never_cache
def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_send(email=form.cleaned_data["email"])
        request.session["password_reset_email"] = form.cleaned_data["email"]
        return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_sent(request):
    return render(request, "accounts/password_reset_sent.html", {"email": request.session.get("password_reset_email")})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = ChoosePasswordForm
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_complete(user=form.user)
        messages.success(self.request, "Your password has been changed. Sign in with your new password.")
        return response


@never_cache
def invitation(request, token):
    try:
        invite = services.invitation_check(token=token)
    except services.InvitationError as error:
        return render(request, "accounts/invitation_invalid.html", {"reason": str(error)}, status=410)
    form = ChoosePasswordForm(invite.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except services.InvitationError as error:
            return render(request, "accounts/invitation_invalid.html", {"reason": str(error)}, status=410)
        login(request, user, backend="accreditation.backends.PortalModelBackend")
        messages.success(request, "Your password is set and you are signed in.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/invitation.html", {"form": form, "invited_user": invite.user})


def sign_in_throttled(request, wait_seconds: int, ip: str):
    """Too many failed sign-ins from this address, across accounts: leave a trace once a window."""
    from django.core.cache import cache

    if cache.add(f"sign-in-throttled:{ip}", 1, timeout=int(settings.SIGN_IN_ADDRESS_WINDOW.total_seconds())):
        audit.record(
            actor=None,
            action="security.sign_in_throttled",
            summary=f"Failed sign-ins from {ip} across accounts: further attempts held back",
            data={"ip": ip},
        )
    minutes = max(1, -(-wait_seconds // 60))
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "seconds": wait_seconds, "from_address": True},
        status=429,
    )
    response["Retry-After"] = str(wait_seconds)
    return response


def locked_out(request, credentials=None, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
