"""``Cache-Control: no-store`` on every private page.

Deny by default: every page the URL configuration resolves is private — back-office, customer
account, cart, checkout, order pages (their address is a secret link), invoices and credit notes
(PDF), payment links and PayPal's returns — except the public catalogue pages listed below, which
browsers and proxies may keep. A page added later is private until it is listed here.
Static files never get here (WhiteNoise answers them earlier in the middleware list).
"""

PUBLIC_PAGES = frozenset({
    "storefront:home",
    "storefront:category",
    "storefront:product",
    "storefront:search",
    "public_media",
})


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name not in PUBLIC_PAGES:
            response["Cache-Control"] = "private, no-store"
        return response
