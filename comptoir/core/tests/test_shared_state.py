"""Several web processes: a change made in the back-office on one process is seen at once by
another, with the single-server defaults and with the Redis cache and sessions (REDIS_URL)."""

import os
import socket
import uuid

import pytest

from .webprocess import TOTP_KEY, WebProcess, environment, form_fields, manage, sign_in

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/5")
SETUP = """
from django.contrib.auth import get_user_model
from comptoir.core.testing import make_shop, make_category
make_shop(trade_name="Ancien nom")
make_category(name_fr="Thés", slug="thes")
get_user_model().objects.create_superuser("owner", "owner@shop.test", "owner-password-1")
"""
RESET = f"""
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
owner = get_user_model().objects.get(username="owner")
TOTPDevice.objects.filter(user=owner).delete()
TOTPDevice.objects.create(user=owner, name="app", confirmed=True, key="{TOTP_KEY}")
from comptoir.catalog.models import Category
from comptoir.merchant.models import ShopSettings
ShopSettings.objects.filter(pk=1).update(trade_name="Ancien nom")
Category.objects.filter(slug="thes").update(is_visible=True)
print(Category.objects.get(slug="thes").pk)
"""


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
        return True
    except OSError:
        return False


def home(process) -> str:
    response = process.client.get("/fr/")
    assert response.status_code == 200
    return response.text


@pytest.fixture(scope="module")
def shop_files(tmp_path_factory):
    """A migrated database file with a shop, a category and its owner, shared by the processes."""
    var_dir = tmp_path_factory.mktemp("shop")
    env = environment(var_dir)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "shell", "-c", SETUP)
    return var_dir


@pytest.fixture(params=["single-server", "redis"])
def two_processes(request, shop_files):
    extra = {}
    if request.param == "redis":
        if not redis_answers() and not os.environ.get("CI"):
            pytest.skip("Redis does not answer on 127.0.0.1:6379 (CI starts it)")
        extra = {"REDIS_URL": REDIS_TEST_URL, "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    category_pk = manage(environment(shop_files), "shell", "-v", "0", "-c", RESET).strip()
    processes = [WebProcess(environment(shop_files, **extra)) for _ in range(2)]
    yield (*processes, category_pk)
    for process in processes:
        process.stop()
    if extra:  # leave nothing behind in the shared Redis
        import redis

        connection = redis.Redis.from_url(REDIS_TEST_URL)
        for key in connection.scan_iter(f"{extra['CACHE_KEY_PREFIX']}:*"):
            connection.delete(key)


def test_a_setting_changed_on_one_process_is_seen_at_once_by_another(two_processes):
    first, second, category_pk = two_processes
    assert "Ancien nom" in home(second)  # the second process has read (and cached) it

    sign_in(first.client, "owner", "owner-password-1")
    page = first.client.get("/fr/gestion/configuration/entreprise/")
    assert page.status_code == 200, (page.status_code, page.headers.get("location"))
    fields = form_fields(page.text, containing="trade_name")
    fields["trade_name"] = "Nouveau nom"
    response = first.client.post("/fr/gestion/configuration/entreprise/", data=fields)
    assert response.status_code == 302, response.text[:3000]

    page_text = home(second)
    assert "Nouveau nom" in page_text
    assert "Ancien nom" not in page_text


def test_a_category_hidden_on_one_process_leaves_the_navigation_of_another(two_processes):
    first, second, category_pk = two_processes
    assert "Thés" in home(second)

    sign_in(first.client, "owner", "owner-password-1")
    categories = first.client.get("/fr/gestion/categories/")
    token = form_fields(categories.text, containing="csrfmiddlewaretoken")["csrfmiddlewaretoken"]
    response = first.client.post(f"/fr/gestion/categories/{category_pk}/visibilite/",
                                 data={"csrfmiddlewaretoken": token})
    assert response.status_code == 302

    assert "Thés" not in home(second)


def test_a_session_opened_on_one_process_is_valid_on_another(two_processes):
    first, second, category_pk = two_processes
    sign_in(first.client, "owner", "owner-password-1")
    second.client.cookies.update(first.client.cookies)

    response = second.client.get("/fr/gestion/configuration/entreprise/")
    assert response.status_code == 200
