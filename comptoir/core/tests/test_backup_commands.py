"""``manage.py backup`` and ``manage.py restore``: what the archive holds, and the refusals that
protect a database (the whole backup-under-load-and-restore story is in
comptoir/merchant/tests/test_backup_restore.py)."""

import io
import json
import tarfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection


def archive_of(output_dir):
    [archive] = output_dir.glob("comptoir-backup-*.tar.gz")
    return archive


@pytest.mark.django_db(transaction=True)
def test_the_archive_holds_the_database_the_media_and_a_manifest(tmp_path, media_root):
    get_user_model().objects.create_user(username="julie", password="motdepasse-solide-42")
    (media_root / "invoices").mkdir(parents=True)
    (media_root / "invoices" / "F-000001.pdf").write_bytes(b"%PDF-1.7 facture")
    output = io.StringIO()

    call_command("backup", "--output", str(tmp_path / "backups"), stdout=output)

    archive = archive_of(tmp_path / "backups")
    assert str(archive) in output.getvalue()
    with tarfile.open(archive) as backup:
        manifest = json.load(backup.extractfile("manifest.json"))
        database_file = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[connection.vendor]
        expected = ["manifest.json", database_file, "media/invoices/F-000001.pdf"]
        assert sorted(backup.getnames()) == sorted(expected)
        assert backup.extractfile("media/invoices/F-000001.pdf").read() == b"%PDF-1.7 facture"
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["auth_user"] == 1
    assert (manifest["media_files"], manifest["media_bytes"]) == (1, len(b"%PDF-1.7 facture"))
    assert not list((tmp_path / "backups").glob(".*"))  # no temporary file left


@pytest.mark.django_db(transaction=True)  # a backup is made outside any transaction
def test_restore_refuses_a_database_that_has_tables(tmp_path):
    call_command("backup", "--output", str(tmp_path))
    user = get_user_model().objects.create_user(username="julie", password="motdepasse-solide-42")
    with pytest.raises(CommandError, match=r"Nothing restored: the database already has \d+ tables"):
        call_command("restore", str(archive_of(tmp_path)))
    assert list(get_user_model().objects.values_list("pk", flat=True)) == [user.pk]


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="is not a Comptoir backup"):
        call_command("restore", str(not_a_backup))
    with pytest.raises(CommandError, match="No file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_another_kind_of_database(tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = tmp_path / "comptoir-backup-other.tar.gz"
    manifest = json.dumps({"format": 1, "engine": other, "database": "x", "tables": {}}).encode()
    with tarfile.open(archive, "w:gz") as backup:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        backup.addfile(info, io.BytesIO(manifest))
    with pytest.raises(CommandError, match=f"This backup is of a {other} database"):
        call_command("restore", str(archive), "--force")
