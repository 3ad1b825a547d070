import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from comptoir.configuration.permissions import OWNER_GROUP
from comptoir.core.testing import make_shop, make_staff_user, sign_in_verified


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def french_first():
    """Each test starts in French: a request under /en/ leaves English active in the thread."""
    with translation.override("fr"):
        yield


@pytest.fixture
def shop(db):
    return make_shop()


@pytest.fixture
def owner(db):
    user = make_staff_user("proprietaire")
    user.groups.add(Group.objects.get_or_create(name=OWNER_GROUP)[0])
    return user


@pytest.fixture
def staff(db):
    return make_staff_user("commis")


@pytest.fixture
def customer(db):
    return get_user_model().objects.create_user("client", "client@example.test", "motdepasse-client-42")


@pytest.fixture
def owner_client(client, owner, shop):
    return sign_in_verified(client, owner)


@pytest.fixture
def staff_client(client, staff, shop):
    client.force_login(staff)
    return client


def image_upload(name="photo.png", *, size=(2400, 1600), image_format="PNG", color=(200, 60, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=image_format)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp",
                    "GIF": "image/gif"}[image_format]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def errors_of(response, form_name="form") -> dict:
    return {name: [str(e) for e in errors] for name, errors in response.context[form_name].errors.items()}
