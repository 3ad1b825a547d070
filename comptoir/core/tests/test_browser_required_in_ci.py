"""Continuous integration runs the browser tests: without Chromium they fail there instead of
being skipped (on a developer's machine they are skipped, with the command that installs it)."""

import pytest

from conftest import chromium_path


@pytest.fixture
def no_chromium(monkeypatch, tmp_path):
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no browser in it


def test_a_missing_chromium_fails_under_ci(no_chromium, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Chromium is not installed"):
        chromium_path()


def test_a_missing_chromium_skips_elsewhere(no_chromium, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        chromium_path()


def test_the_browser_given_by_chromium_path_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", "/opt/chromium/chrome")
    assert chromium_path() == "/opt/chromium/chrome"
