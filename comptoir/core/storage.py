"""Uploaded files on an S3-compatible object store (``MEDIA_STORAGE_URL``).

Catalogue pictures and the logo (``products/``, ``categories/``, ``merchant/``) are public objects
with a one-year cache lifetime: a new upload gets a new name (files are never overwritten), so a
cached copy is never out of date. Everything else, the stored invoice and credit-note PDFs among
it, is private: only the application reads it with its credentials (emails attach it); ``url()``
gives a signed address valid five minutes.
"""

from storages.backends.s3 import S3Storage

PUBLIC_PREFIXES = ("products/", "categories/", "merchant/")
PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
PRIVATE_CACHE_CONTROL = "private, no-store"
SIGNED_URL_SECONDS = 300


def is_public(name: str) -> bool:
    return name.startswith(PUBLIC_PREFIXES)


class MediaStorage(S3Storage):
    default_acl = "private"
    file_overwrite = False
    querystring_expire = SIGNED_URL_SECONDS

    def get_object_parameters(self, name):
        if is_public(name):
            return {"ACL": "public-read", "CacheControl": PUBLIC_CACHE_CONTROL}
        return {"ACL": "private", "CacheControl": PRIVATE_CACHE_CONTROL}

    def url(self, name, parameters=None, expire=None, http_method=None):
        if is_public(name) and not self.custom_domain:
            # A plain address: the object is public, a signature would only defeat caches.
            params = {"Bucket": self.bucket_name, "Key": self._normalize_name(name), **(parameters or {})}
            return self.unsigned_connection.meta.client.generate_presigned_url("get_object", Params=params)
        return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
