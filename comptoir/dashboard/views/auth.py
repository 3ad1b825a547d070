"""Back-office sign-in and sign-out (staff only)."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from comptoir.security.views import ThrottledLoginMixin

from ..access import StaffAuthenticationForm


class LoginView(ThrottledLoginMixin, auth_views.LoginView):
    template_name = "dashboard/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return str(reverse_lazy("dashboard:home"))


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("dashboard:login")
