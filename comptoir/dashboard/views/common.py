"""Small helpers shared by the back-office views."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from comptoir.core.http import next_url
from comptoir.core.pagination import KeysetPage, keyset_page
from comptoir.core.search import is_plain_number

PAGE_SIZE = 50


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """One COUNT and one page query, whatever the page number asked for."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def walk_by_number(request, queryset, per_page: int = PAGE_SIZE) -> KeysetPage:
    """A page of a list walked by number, newest first (``?avant=N`` / ``?apres=N``): the same
    cost for every page, with no COUNT of the whole table."""
    before, after = page_bounds(request)
    return keyset_page(queryset, before=before, after=after, size=per_page)


def page_bounds(request) -> tuple[int | None, int | None]:
    """The page asked for: ``(before, after)``, from ``?avant=N`` / ``?apres=N``."""
    return _number(request.GET.get("avant")), _number(request.GET.get("apres"))


def _number(value) -> int | None:
    return int(value) if is_plain_number(value or "") else None


def redirect_back(request, fallback: str):
    """Back to the page the form was on (``next``), when it is a page of this site."""
    return redirect(next_url(request) or fallback)


def form_errors(request, form) -> None:
    """Show each error of an invalid form as a message on the next page."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(
                request, _("%(label)s: %(error)s") % {"label": label, "error": error} if label else error
            )
