"""Configuration classes; the environment chooses one and may override values.

FIELDCERT_CONFIG picks the class (development, production, testing);
DATABASE_URL, SECRET_KEY, MAX_UPLOAD_MB and MAIL_* override single values.
"""
import os
from pathlib import Path


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs name the driver-less dialect; SQLAlchemy needs psycopg named.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-change-me")
    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app from the instance path
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session, so field forms survive long shifts
    MAX_UPLOAD_MB = int(os.environ.get("MAX_UPLOAD_MB", "20"))
    UPLOAD_FOLDER = None  # defaults to <instance>/files
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "FieldCert <noreply@fieldcert.invalid>")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_STARTTLS = os.environ.get("MAIL_STARTTLS", "0") == "1"
    MAIL_TIMEOUT_SECONDS = int(os.environ.get("MAIL_TIMEOUT_SECONDS", "30"))
    # A failed attempt waits MAIL_RETRY_SECONDS, doubling each time; after MAIL_MAX_ATTEMPTS it is failed.
    MAIL_RETRY_SECONDS = int(os.environ.get("MAIL_RETRY_SECONDS", "60"))
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "10"))
    MAIL_DELIVERY_SECONDS = int(os.environ.get("MAIL_DELIVERY_SECONDS", "30"))
    # Links in e-mails sent by the scheduler, which has no request to take the host from.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # A notice event older than this is not sent (a first run over old data must not flood anyone).
    NOTICE_CATCH_UP_DAYS = int(os.environ.get("NOTICE_CATCH_UP_DAYS", "7"))
    PASSWORD_RESET_HOURS = int(os.environ.get("PASSWORD_RESET_HOURS", "2"))
    # Typed dates need a four-digit year from 01/01 of the first to 12/31 of the last
    # (docs/rules.md, decision 18); a typed expiration may be up to 100 years later.
    DATE_EARLIEST_YEAR = int(os.environ.get("DATE_EARLIEST_YEAR", "1950"))
    DATE_LATEST_YEAR = int(os.environ.get("DATE_LATEST_YEAR", "2100"))
    ORGANISATION_TIMEZONE = os.environ.get("ORGANISATION_TIMEZONE", "UTC")
    RUN_SCHEDULER = os.environ.get("RUN_SCHEDULER", "0") == "1"


class DevelopmentConfig(Config):
    DEBUG = True


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    WTF_CSRF_ENABLED = True
    RUN_SCHEDULER = False


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def database_url_for(instance_path: str) -> str:
    return _database_url(f"sqlite:///{Path(instance_path) / 'fieldcert.sqlite3'}")
