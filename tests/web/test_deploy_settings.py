"""Production settings (issue 11, deployment): the published key is refused, HTTPS is
switched on from the environment, and `manage.py check --deploy` is clean with the
environment docs/deploy.md documents.

The settings module is read afresh for each environment (a copy under another
module name), so that the suite's own settings stay as they are.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "phocap" / "settings.py"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
DEVELOPMENT_KEY = "phocap-development-key-not-for-production"
ENV_FILE_MARK = "# /etc/phocap/phocap.env"


def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("PHOCAP_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("PHOCAP_VAR", str(tmp_path))


def read_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> ModuleType:
    """phocap/settings.py as it reads in exactly this environment."""
    clean_environment(monkeypatch, tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("phocap_settings_under_test", SETTINGS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_a_key_the_settings_refuse_to_start_and_name_the_variable(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="PHOCAP_SECRET_KEY") as refused:
        read_settings(monkeypatch, tmp_path)
    assert "PHOCAP_DEMO=1" in str(refused.value) and "secrets.token_urlsafe" in str(refused.value)


@pytest.mark.parametrize("key", [DEVELOPMENT_KEY, "ngan-qua", "a" * 60])
def test_the_published_a_short_or_a_one_letter_key_is_refused(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, key: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="PHOCAP_SECRET_KEY"):
        read_settings(monkeypatch, tmp_path, PHOCAP_SECRET_KEY=key)


@pytest.mark.parametrize("mode", ["PHOCAP_DEMO", "PHOCAP_DEBUG"])
def test_the_demo_and_development_run_on_the_published_key(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mode: str) -> None:
    assert read_settings(monkeypatch, tmp_path, **{mode: "1"}).SECRET_KEY == DEVELOPMENT_KEY


def test_a_key_of_its_own_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key = secrets.token_urlsafe(50)
    read = read_settings(monkeypatch, tmp_path, PHOCAP_SECRET_KEY=key,
                         PHOCAP_SECRET_KEY_FALLBACKS=" old-one , older-one ")
    assert key == read.SECRET_KEY
    assert read.SECRET_KEY_FALLBACKS == ["old-one", "older-one"]


def test_defaults_serve_the_demo_over_plain_http_on_this_machine(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    read = read_settings(monkeypatch, tmp_path, PHOCAP_DEMO="1")
    assert read.ALLOWED_HOSTS == ["127.0.0.1", "localhost"]
    assert (read.SECURE_SSL_REDIRECT, read.SECURE_HSTS_SECONDS, read.SESSION_COOKIE_SECURE,
            read.CSRF_COOKIE_SECURE, read.SECURE_PROXY_SSL_HEADER) == (False, 0, False, False, None)
    assert read.CSRF_TRUSTED_ORIGINS == []


def test_https_hsts_cookies_proxy_header_and_hosts_come_from_the_environment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    read = read_settings(
        monkeypatch, tmp_path, PHOCAP_SECRET_KEY=secrets.token_urlsafe(50),
        PHOCAP_ALLOWED_HOSTS="pcgd.dienbien.edu.vn", PHOCAP_SSL_REDIRECT="1",
        PHOCAP_CSRF_TRUSTED_ORIGINS="https://pcgd.dienbien.edu.vn",
        PHOCAP_HSTS_SECONDS="31536000", PHOCAP_HSTS_INCLUDE_SUBDOMAINS="true",
        PHOCAP_HSTS_PRELOAD="yes", PHOCAP_SECURE_COOKIES="on",
        PHOCAP_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert read.ALLOWED_HOSTS == ["pcgd.dienbien.edu.vn"]
    assert read.CSRF_TRUSTED_ORIGINS == ["https://pcgd.dienbien.edu.vn"]
    assert (read.SECURE_SSL_REDIRECT, read.SECURE_HSTS_SECONDS,
            read.SECURE_HSTS_INCLUDE_SUBDOMAINS, read.SECURE_HSTS_PRELOAD) == (
        True, 31536000, True, True)
    assert (read.SESSION_COOKIE_SECURE, read.CSRF_COOKIE_SECURE,
            read.LANGUAGE_COOKIE_SECURE) == (True, True, True)
    assert read.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.parametrize(("name", "value"), [("PHOCAP_SSL_REDIRECT", "ture"),
                                             ("PHOCAP_HSTS_SECONDS", "một năm")])
def test_a_misspelt_value_is_refused_rather_than_read_as_off(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=name):
        read_settings(monkeypatch, tmp_path, PHOCAP_DEMO="1", **{name: value})


def test_the_log_file_is_optional_and_lives_under_the_var_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert list(read_settings(monkeypatch, tmp_path, PHOCAP_DEMO="1").LOGGING["root"][
        "handlers"]) == ["stderr"]
    logging = read_settings(monkeypatch, tmp_path, PHOCAP_DEMO="1",
                            PHOCAP_LOG_FILE="log/phocap.log").LOGGING
    assert logging["root"]["handlers"] == ["stderr", "file"]
    assert logging["handlers"]["file"]["filename"] == tmp_path / "log" / "phocap.log"
    assert (tmp_path / "log").is_dir()


def forged_messages_cookie(text: str, key: str) -> str:
    """A messages cookie as Django signs it, with ``key``."""
    with override_settings(SECRET_KEY=key):
        storage = CookieStorage(RequestFactory().get("/"))
        return str(storage._encode([Message(constants.SUCCESS, text)]))


@pytest.mark.django_db
def test_a_message_signed_with_the_published_key_is_not_shown() -> None:
    """The finding: a messages cookie forged with the published key showed on a page."""
    from django.conf import settings

    client = Client()
    client.cookies["messages"] = forged_messages_cookie("Giả mạo: hãy gọi 0900", DEVELOPMENT_KEY)
    assert "Giả mạo" not in client.get("/login/").content.decode()
    # The same cookie signed with the server's own key does show: the check above is real.
    client.cookies["messages"] = forged_messages_cookie("Thật", settings.SECRET_KEY)
    assert "Thật" in client.get("/login/").content.decode()


def documented_environment() -> dict[str, str]:
    """The environment file docs/deploy.md gives for production, variable by variable."""
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    block = re.search(rf"```sh\n{re.escape(ENV_FILE_MARK)}\n(.*?)```", text, re.S)
    assert block, f"docs/deploy.md has no ```sh block starting with {ENV_FILE_MARK}"
    pairs = [line.split("=", 1) for line in block.group(1).splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    return {name.strip(): value.strip() for name, value in pairs}


def test_check_deploy_is_clean_with_the_documented_production_environment(
        tmp_path: Path) -> None:
    documented = documented_environment()
    assert documented["PHOCAP_SECRET_KEY"], "the example names the key's variable"
    env: dict[str, Any] = {name: value for name, value in os.environ.items()
                           if not name.startswith("PHOCAP_") and name != "DATABASE_URL"}
    env |= documented | {"PHOCAP_SECRET_KEY": secrets.token_urlsafe(50),
                         "PHOCAP_VAR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "phocap.settings"}
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy",
                           "--fail-level", "WARNING"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout + done.stderr
