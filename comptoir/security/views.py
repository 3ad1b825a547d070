"""Throttled logins: a mixin for Django's ``LoginView``, used by the storefront and the
back-office login pages."""

from .addresses import client_address
from .services import TooManyAttempts, begin_login_attempt, login_failed, login_not_checked, login_succeeded

# The codes of AuthenticationForm's errors given after the password was checked.
PASSWORD_CHECKED_ERRORS = {"invalid_login", "inactive"}


class ThrottledLoginMixin:
    """Before the form checks the password, the attempt is recorded against the username, the
    client address and the pair of both (``services``); over a limit the page is shown again
    with the refusal, and nothing is checked nor changed. The template shows ``login_refusal``
    when it is set."""

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if not (username.strip() and request.POST.get("password")):
            return super().post(request, *args, **kwargs)  # the form refuses it without a check
        try:
            attempt = begin_login_attempt(username, client_address=client_address(request))
        except TooManyAttempts as refusal:
            return self.refuse(refusal, username=username)
        form = self.get_form()
        if form.is_valid():
            login_succeeded(attempt)
            return self.form_valid(form)
        codes = {error.code for error in form.non_field_errors().as_data()}
        if codes & PASSWORD_CHECKED_ERRORS:
            login_failed(attempt)
        else:
            login_not_checked(attempt)
        return self.form_invalid(form)

    def refuse(self, refusal: TooManyAttempts, *, username: str):
        # An unbound form: rendering it never runs its validation (and so never authenticates).
        form = self.get_form_class()(request=self.request, initial={"username": username})
        context = self.get_context_data(form=form, login_refusal=str(refusal))
        return self.render_to_response(context, status=429)
