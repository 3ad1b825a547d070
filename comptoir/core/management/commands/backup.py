"""``python manage.py backup [--output DIR]``: a consistent copy of the database and the media
files in one archive, made while the shop runs (see comptoir/core/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from comptoir.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database and the media files into one archive (the shop may keep running)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(Path(settings.VAR_DIR) / "backups"),
            help="folder of the archive (default: var/backups); created if missing",
        )

    def handle(self, *args, output, **options):
        try:
            summary = make_backup(Path(output))
        except (BackupError, OSError) as error:
            raise CommandError(f"Backup failed: {error}") from error
        except DatabaseError as error:
            raise CommandError(f"Backup failed: the database cannot be read: {error}. "
                               "Check DATABASE_URL; nothing was written.") from error
        self.stdout.write(
            f"{summary.path}: {len(summary.tables)} tables, {sum(summary.tables.values())} rows, "
            f"{summary.media_files} media files."
        )
