"""Files on an S3-compatible object store (MEDIA_STORAGE_URL), against a local moto server in
server mode: public pictures with long cache headers, private invoice PDFs."""

import io
import uuid
from decimal import Decimal

import boto3
import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from moto.server import ThreadedMotoServer
from PIL import Image

from comptoir.core.storage import PRIVATE_CACHE_CONTROL, PUBLIC_CACHE_CONTROL, MediaStorage
from comptoir.core.storage_url import storage_options
from comptoir.core.testing import make_order, make_product, make_shop, make_staff_user
from comptoir.invoicing.messages import queue_invoice_email
from comptoir.invoicing.services import issue_invoice
from comptoir.notifications.services import deliver_pending

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def object_store(s3_server, settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "comptoir-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "comptoir-test-secret")
    bucket = f"comptoir-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="ca-central-1")
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ca-central-1"})
    url = f"s3://{bucket}?endpoint_url={s3_server}&region=ca-central-1"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "comptoir.core.storage.MediaStorage", "OPTIONS": storage_options(url)}}
    assert isinstance(default_storage, MediaStorage)
    return client, bucket, s3_server


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_invoice_pdf_is_private_and_served_only_through_the_checked_views(
        object_store, client, smtp_server):
    s3, bucket, endpoint = object_store
    make_shop()
    order = make_order([(make_product(price_amount=Decimal("100.00")), 1)], delivery_kind="pickup",
                       email="marie.tremblay@example.test")
    invoice = issue_invoice(order)
    path = queue_invoice_email(invoice).attachments[0]["path"]

    stored = s3.get_object(Bucket=bucket, Key=path)
    assert stored["Body"].read().startswith(b"%PDF")
    assert stored["CacheControl"] == PRIVATE_CACHE_CONTROL
    # An anonymous visitor who knows (or guesses) the object's address is refused by the store.
    assert httpx.get(f"{endpoint}/{bucket}/{path}").status_code == 403
    # The application's own short signed address opens it.
    assert "Signature=" in default_storage.url(path) or "X-Amz-Signature=" in default_storage.url(path)

    with translation.override("fr"):
        staff_url = reverse("dashboard:invoice_pdf", kwargs={"number": invoice.number})
        customer_url = reverse("storefront:order_invoice_pdf", kwargs={"token": order.token})
    anonymous = client.get(staff_url)
    assert anonymous.status_code == 302 and "/connexion/" in anonymous["Location"]
    wrong_token = reverse("storefront:order_invoice_pdf", kwargs={"token": uuid.uuid4()})
    assert client.get(wrong_token).status_code == 404
    customer = client.get(customer_url)
    assert customer.status_code == 200 and customer["Content-Type"] == "application/pdf"
    client.force_login(make_staff_user())
    staff = client.get(staff_url)
    assert staff.status_code == 200 and staff["Content-Type"] == "application/pdf"

    # The email takes the private copy from the store.
    deliver_pending()
    attachments = [part for part in smtp_server.messages[0].walk() if part.get_filename()]
    assert attachments[0].get_payload(decode=True) == s3.get_object(Bucket=bucket, Key=path)["Body"].read()


def test_pictures_are_public_with_a_long_cache_lifetime_and_never_overwritten(object_store):
    _s3, _bucket, _endpoint = object_store
    product = make_product()
    product.image.save("tasse.png", ContentFile(png()), save=True)
    first_url = product.image.url

    response = httpx.get(first_url)
    assert response.status_code == 200
    assert response.content == png()
    assert response.headers["cache-control"] == PUBLIC_CACHE_CONTROL
    assert "Signature" not in first_url

    product.image.save("tasse.png", ContentFile(png()), save=True)  # a new picture, same file name
    assert product.image.url != first_url
    assert httpx.get(first_url).status_code == 200  # pages still cached keep working
