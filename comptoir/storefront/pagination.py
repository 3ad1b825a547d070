"""One page of a product listing and its total in a single query (``COUNT(*) OVER ()``).

Django's ``Paginator`` counts first, then fetches the page: two queries on every listing.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

# Beyond this page number no listing has rows, and the offset it would give may not fit the
# database's 64-bit OFFSET (an error, not an empty page): such a number is out of range.
MAX_PAGE_NUMBER = 1_000_000


def listing_page(queryset: QuerySet, number, *, per_page: int) -> Page:
    """Like ``Paginator(queryset, per_page).get_page(number)``: a page number that is not a
    number gives the first page, one out of range the last page."""
    paginator = Paginator(queryset, per_page)
    try:
        number = int(number) if number not in (None, "") else 1
    except (TypeError, ValueError):
        number = 1
    if number < 1 or number > MAX_PAGE_NUMBER:
        return paginator.get_page(number)  # out of range: the last page, as ``get_page`` does
    offset = (number - 1) * per_page
    rows = list(queryset.annotate(listing_total=Window(Count("pk")))[offset:offset + per_page])
    if not rows and number > 1:  # past the end: count, then fetch the last page
        return paginator.get_page(number)
    # ``count`` is a cached property: give it the total that came with the page.
    paginator.count = rows[0].listing_total if rows else 0
    return Page(rows, number, paginator)
