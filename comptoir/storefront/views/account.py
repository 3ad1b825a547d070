"""Customer accounts: log in (with the email address), log out, sign up."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.customers.services import create_account

from ..cart_session import attach_cart_on_login
from ..forms import EmailLoginForm, SignupForm


class CustomerLoginView(LoginView):
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
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            attach_cart_on_login(request, user)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(_safe_next(request) or "storefront:account_orders")
    return render(request, "storefront/account/signup.html", {"form": form, "next": _safe_next(request)})


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if allowed else ""
