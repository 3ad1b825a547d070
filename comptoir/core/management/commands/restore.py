"""``python manage.py restore ARCHIVE [--force]``: the database and the media files of a backup
into the database of ``DATABASE_URL`` and ``MEDIA_ROOT`` (stop the shop first)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from comptoir.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup made by « manage.py backup » into an empty database and media folder "
            "(stop the web server and the worker first).")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a comptoir-backup-….tar.gz file")
        parser.add_argument("--force", action="store_true",
                            help="replace what the database and the media folder already hold")

    def handle(self, *args, archive, force, **options):
        try:
            summary = restore_backup(Path(archive), force=force)
        except (BackupError, OSError) as error:
            raise CommandError(f"Restore failed: {error}") from error
        except DatabaseError as error:
            raise CommandError(f"Restore failed: the database cannot be reached or written: {error}. "
                               "Check DATABASE_URL (create the database first).") from error
        self.stdout.write(
            f"Restored {archive}: {len(summary.tables)} tables, {sum(summary.tables.values())} rows, "
            f"{summary.media_files} media files. Then run « python manage.py migrate » if this version "
            "of Comptoir is newer than the backup."
        )
