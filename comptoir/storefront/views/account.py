"""Customer accounts: log in (with the email address), log out, sign up, reset a password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, PasswordResetConfirmView
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.core.http import next_url
from comptoir.customers.services import create_account, request_password_reset
from comptoir.security import backends
from comptoir.security.addresses import client_address
from comptoir.security.services import TooManyAttempts
from comptoir.security.views import ThrottledLoginMixin

from ..cart_session import attach_cart_on_login
from ..forms import EmailLoginForm, NewPasswordForm, PasswordResetRequestForm, SignupForm


class CustomerLoginView(ThrottledLoginMixin, LoginView):
    template_name = "storefront/account/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True
    next_page = "storefront:account_orders"

    def form_valid(self, form):
        response = super().form_valid(form)
        attach_cart_on_login(self.request, form.get_user())
        return response


def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = create_account(
                email=form.cleaned_data["email"], password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"], last_name=form.cleaned_data["last_name"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend=backends.PATH)
            attach_cart_on_login(request, user)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(next_url(request) or "storefront:account_orders")
    return render(request, "storefront/account/signup.html", {"form": form, "next": next_url(request)})


def password_reset(request):
    """« Mot de passe oublié ? »: the same answer whether an account exists or not. Too many
    requests from one connection are refused, whatever the addresses asked for."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_password_reset(
                form.cleaned_data["email"], language=get_language(), client_address=client_address(request)
            )
        except TooManyAttempts as refusal:
            form.add_error(None, str(refusal))
            return render(request, "storefront/account/password_reset.html", {"form": form}, status=429)
        return redirect("storefront:password_reset_sent")
    return render(request, "storefront/account/password_reset.html", {"form": form})


def password_reset_sent(request):
    return render(request, "storefront/account/password_reset_sent.html")


class NewPasswordView(PasswordResetConfirmView):
    """The link of the reset email: Django checks its token (expiry, single use), moves it from
    the URL to the session, then asks for the new password. Customers are then logged in; staff
    are sent to the back-office login."""

    template_name = "storefront/account/password_reset_confirm.html"
    form_class = NewPasswordForm
    reset_url_token = "choisir"
    post_reset_login_backend = backends.PATH

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        self.post_reset_login = not self.user.is_staff
        response = super().form_valid(form)
        if self.post_reset_login:
            attach_cart_on_login(self.request, self.user)
            text = _("Your password has been changed. You are logged in.")
        else:
            text = _("Your password has been changed. Log in with your new password.")
        messages.success(self.request, text)
        return response

    def get_success_url(self):
        if self.user.is_staff:
            return resolve_url(settings.DASHBOARD_LOGIN_URL)
        return reverse("storefront:account_orders")
