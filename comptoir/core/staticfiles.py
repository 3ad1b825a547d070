"""The storage of the collected static files with DEBUG off: WhiteNoise's compressed manifest.

``collectstatic`` writes each file under a name that contains a hash of its content
(``site.3f2a9c1b.css``) plus its gzip and Brotli versions; WhiteNoise serves those hashed names
with a one-year ``immutable`` cache. A file that was not collected (``collectstatic`` not run
since it was added) keeps its plain address, with a warning in the log, instead of turning
every page that links it into a server error.
"""

import logging

from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def url(self, name, force=False):
        try:
            return super().url(name, force)
        except ValueError:
            logger.warning("Static file %s is not collected: run « python manage.py collectstatic ».", name)
            return FileSystemStorage.url(self, name)
