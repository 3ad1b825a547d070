"""The address of the visitor behind a request, for the limits per client address."""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's IP address.

    ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` says how many reverse proxies stand in front
    of the application: each of them appends the address it received the request from to
    ``X-Forwarded-For``, so the client is the entry that many places from the end. Entries
    further left were written by the client itself and are never trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()
    ]
    if not forwarded:
        return remote  # reached directly, not through the proxies
    # Fewer entries than proxies: the header was not written by all of them; the leftmost is
    # then the closest to the client that a proxy wrote.
    return forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]


def address_bucket(address: str) -> str:
    """What one visitor's limit applies to: the IPv4 address, or the /64 network of an IPv6
    address (a single connection usually has a whole /64 to pick addresses from)."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:100]
    if parsed.version == 6 and parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
