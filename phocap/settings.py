"""Django settings for the phocap web application.

SQLite (in WAL mode, so readers never wait for an import) is the embedded
default; production sets DATABASE_URL=postgresql://user:password@host:port/name.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PHOCAP_VAR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("PHOCAP_SECRET_KEY", "phocap-development-key-not-for-production")
DEBUG = os.environ.get("PHOCAP_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("PHOCAP_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")


def database(url: str | None) -> dict[str, object]:
    """Django's DATABASES entry for a DATABASE_URL, or the embedded SQLite file."""
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "phocap.sqlite3",
            # A file, not memory, so that the engine can read the test database too.
            "TEST": {"NAME": VAR_DIR / "phocap-test.sqlite3"},
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
    }


DATABASES = {"default": database(os.environ.get("DATABASE_URL"))}

# One cache for every worker process on the machine: computed results (valid
# until the data beneath a unit change) and the login throttle's counters are
# shared, not recomputed or recounted per process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache",
        "OPTIONS": {"MAX_ENTRIES": 20000},
        # Two databases served from one var folder never read each other's entries.
        "KEY_PREFIX": "{}:{}:{}".format(*(DATABASES["default"].get(k, "")
                                          for k in ("HOST", "PORT", "NAME"))),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "phocap.accounts",
    "phocap.register",
    "phocap.recognition",
    "phocap.dashboard",
    "phocap.schools",
    "phocap.attendance",
    "phocap.streaming",
]
AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "phocap.middleware.SlidingSessionMiddleware",
    "phocap.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "phocap.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "phocap" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "phocap.register.context.navigation",
            ],
        },
    },
]

# Vietnamese first, English second (architecture principle 6).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "phocap" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# Personal data of children: short sessions, cookies only over the session. The
# 30 minutes slide with activity (phocap.middleware.SlidingSessionMiddleware),
# which saves a session at most every few minutes instead of on every request:
# a page that only reads never writes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even when empty
STATICFILES_DIRS = [BASE_DIR / "phocap" / "static"]
# Served by WhiteNoise from the app's own folders (no collectstatic needed for
# the demo); every asset is vendored, nothing is loaded from the network.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
