from django.urls import path

from . import security_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("two-factor/set-up/", security_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/", security_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", security_views.recovery_codes, name="recovery_codes"),
    path("two-factor/remove/", security_views.two_factor_remove, name="two_factor_remove"),
    path("security/", security_views.security, name="security"),
    path("security/password/", security_views.password_change, name="password_change"),
    path("security/email/", security_views.email_change, name="email_change"),
    path("security/sign-out-others/", security_views.sessions_sign_out_others, name="sessions_sign_out_others"),
    path("people/", security_views.people, name="people"),
    path("people/<int:pk>/reset-second-factor/", security_views.person_reset_second_factor, name="person_reset_2fa"),
]
