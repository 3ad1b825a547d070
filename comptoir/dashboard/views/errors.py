"""The « Accès refusé » page of the back-office (the project's ``handler403``).

A refusal under the back-office's address gets a page in the back-office's look that says why
and offers to log out or to go to the shop; any other refusal gets the shop's own 403 page.
"""

from django.shortcuts import render
from django.urls import reverse
from django.views import defaults


def permission_denied(request, exception):
    if not request.path.startswith(reverse("dashboard:home")):
        return defaults.permission_denied(request, exception)
    return render(request, "dashboard/403.html", {"exception": str(exception or "")}, status=403)
