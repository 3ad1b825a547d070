"""``MEDIA_STORAGE_URL`` parsing (imported by the settings: no Django here)."""

from urllib.parse import parse_qs, urlsplit


def storage_options(url: str) -> dict:
    """``s3://bucket?endpoint_url=https://…&region=…&custom_domain=…`` → the storage's options.
    Credentials come from the usual ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` variables."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ValueError("MEDIA_STORAGE_URL must look like s3://bucket?endpoint_url=…&region=…")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    options = {"bucket_name": parts.netloc}
    if query.get("endpoint_url"):
        options["endpoint_url"] = query["endpoint_url"]
    if query.get("region"):
        options["region_name"] = query["region"]
    if query.get("custom_domain"):
        options["custom_domain"] = query["custom_domain"]
    return options
