"""Configuration classes; the environment chooses one and may override values.

FIELDCERT_CONFIG picks the class (development, production, testing);
DATABASE_URL, SECRET_KEY, MAX_UPLOAD_MB, MAIL_*, RATELIMIT_STORAGE_URI and the *_LIMIT*
variables override single values.
"""
import os
from pathlib import Path

from webapp.rules.push import DEFAULT_PUSH_SERVICES
from webapp.rules.single_sign_on import PASSWORD_SIGN_IN_ADMINS_ONLY, PASSWORD_SIGN_IN_ON, PASSWORD_SIGN_IN_POLICIES

# Signs development and test sessions only: production refuses to start with it.
DEV_SECRET_KEY = "dev-only-secret-change-me"
MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(RuntimeError):
    """The configuration is unsafe to serve with; the message says what to set."""


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs name the driver-less dialect; SQLAlchemy needs psycopg named.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app from the instance path
    # Each worker process has its own pool: size it so (workers x (pool + overflow)) + the scheduler stays
    # under PostgreSQL's max_connections (README, "Production"); unset: SQLAlchemy's 5 + 10.
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        **({"pool_size": int(os.environ["DATABASE_POOL_SIZE"])} if os.environ.get("DATABASE_POOL_SIZE") else {}),
        **({"max_overflow": int(os.environ["DATABASE_MAX_OVERFLOW"])} if os.environ.get("DATABASE_MAX_OVERFLOW") else {}),
    }
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Our own remember-me cookie, not Flask-Login's (a fixed signed id for a year): a one-use token
    # checked against the database (webapp.services.sessions).
    REMEMBER_ME_COOKIE = "fieldcert_remember"
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session, so field forms survive long shifts
    MAX_UPLOAD_MB = int(os.environ.get("MAX_UPLOAD_MB", "20"))
    UPLOAD_FOLDER = None  # defaults to <instance>/files
    # Where stored files live: "disk" (UPLOAD_FOLDER) or "s3", an S3-compatible bucket every app host shares.
    FILE_STORE = os.environ.get("FILE_STORE", "disk")
    S3_BUCKET = os.environ.get("S3_BUCKET")
    S3_PREFIX = os.environ.get("S3_PREFIX", "files/")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL")  # unset: AWS itself; MinIO etc.: their address
    S3_REGION = os.environ.get("S3_REGION")
    # Web Push (webapp.services.push): the push services FieldCert posts to (origins, * for a subdomain),
    # the contact in its VAPID signature, and where its key pair is kept (default <instance>/vapid-keys.json).
    PUSH_SERVICES = tuple(filter(None, os.environ.get("PUSH_SERVICES", ",".join(DEFAULT_PUSH_SERVICES)).split(",")))
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:noreply@fieldcert.invalid")
    VAPID_KEYS_FILE = os.environ.get("VAPID_KEYS_FILE")
    # Import files (webapp.services.imports): checked and imported in a worker thread unless JOBS_INLINE.
    IMPORT_MAX_MB = int(os.environ.get("IMPORT_MAX_MB", "20"))
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "100000"))
    JOBS_INLINE = False
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
    # Every link given out (mail, QR codes, shared reports, calendar feeds) starts with it, never with
    # the request's Host header, which whoever sends the request chooses.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # How many proxies in front of the app set X-Forwarded-For/-Proto/-Host; 0 trusts none of those headers.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    REMEMBER_DAYS = int(os.environ.get("REMEMBER_DAYS", "30"))
    # The QR credential: valid at most this long, signed with keys kept in this file (mode 600, outside
    # the database, so a stolen backup cannot forge one); unset: credential-keys.json in the instance folder.
    CREDENTIAL_DAYS = int(os.environ.get("CREDENTIAL_DAYS", "30"))
    CREDENTIAL_KEYS_FILE = os.environ.get("CREDENTIAL_KEYS_FILE")
    # A notice event older than this is not sent (a first run over old data must not flood anyone).
    NOTICE_CATCH_UP_DAYS = int(os.environ.get("NOTICE_CATCH_UP_DAYS", "7"))
    PASSWORD_RESET_HOURS = int(os.environ.get("PASSWORD_RESET_HOURS", "2"))
    # Typed dates need a four-digit year from 01/01 of the first to 12/31 of the last
    # (docs/rules.md, decision 22); a typed expiration may be up to 100 years later.
    DATE_EARLIEST_YEAR = int(os.environ.get("DATE_EARLIEST_YEAR", "1950"))
    DATE_LATEST_YEAR = int(os.environ.get("DATE_LATEST_YEAR", "2100"))
    ORGANISATION_TIMEZONE = os.environ.get("ORGANISATION_TIMEZONE", "UTC")
    RUN_SCHEDULER = os.environ.get("RUN_SCHEDULER", "0") == "1"
    # Logs (webapp/logs.py): "json", one object a line with the request id, or "text"; production defaults to json.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # 1: take the request id from X-Request-ID (set it only when the proxy in front sets or strips that header).
    TRUST_REQUEST_ID = os.environ.get("TRUST_REQUEST_ID", "0") == "1"
    # Served over HTTPS (directly or behind a TLS proxy): HSTS, secure `__Host-` cookies, https links.
    HTTPS = os.environ.get("HTTPS", "0") == "1"
    # Rate limits (webapp/rate_limits.py), in Flask-Limiter's notation; "a; b" applies both, so
    # stacked windows make a growing back-off. Counted in Redis (redis://127.0.0.1:6379) when
    # set, so every worker shares the counts; in each process's memory otherwise.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Rendered public pages (QR report, certificate check) are kept in this Redis, shared by every worker;
    # unset: in each process's memory (services/page_cache.py).
    REDIS_URL = os.environ.get("REDIS_URL")
    # A worker reads the data version that keys those pages at most once in this many seconds, so a kept page
    # costs no query; another worker's change shows within it (decision 83). 0: read it for every request.
    PAGE_CACHE_VERSION_SECONDS = float(os.environ.get("PAGE_CACHE_VERSION_SECONDS", "1"))
    # Redis gone away: count in this process's memory meanwhile, rather than answer with errors.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Failed sign-ins, per account (its username and e-mail alike) and per network address.
    SIGN_IN_LIMIT_PER_ACCOUNT = os.environ.get(
        "SIGN_IN_LIMIT_PER_ACCOUNT", "5 per minute; 10 per 15 minutes; 20 per hour; 50 per day")
    SIGN_IN_LIMIT_PER_ADDRESS = os.environ.get("SIGN_IN_LIMIT_PER_ADDRESS", "20 per minute; 100 per hour; 500 per day")
    # Password reset requests, per account asked for and per network address.
    RESET_LIMIT_PER_ACCOUNT = os.environ.get("RESET_LIMIT_PER_ACCOUNT", "3 per hour; 6 per day")
    RESET_LIMIT_PER_ADDRESS = os.environ.get("RESET_LIMIT_PER_ADDRESS", "5 per 15 minutes; 20 per day")
    # Recipients of the mail one person sends by hand (shared reports and Notify together).
    MAIL_RECIPIENTS_LIMIT_PER_USER = os.environ.get("MAIL_RECIPIENTS_LIMIT_PER_USER", "50 per hour; 200 per day")
    # Single sign-on with the organisation's OpenID Connect provider (webapp/services/single_sign_on.py);
    # unset OIDC_ISSUER: passwords only.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET")
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your company account")
    # "example.org, example.com": only these e-mail domains sign in; empty: any the provider vouches for.
    OIDC_ALLOWED_DOMAINS = os.environ.get("OIDC_ALLOWED_DOMAINS", "")
    # First sign-in of someone with no account: create one with this module level, or refuse.
    OIDC_CREATE_USERS = os.environ.get("OIDC_CREATE_USERS", "0") == "1"
    OIDC_DEFAULT_MODULE_LEVEL = os.environ.get("OIDC_DEFAULT_MODULE_LEVEL", "Employee")
    # Seconds to wait for the provider (discovery, keys, token) before the sign-in is refused.
    OIDC_TIMEOUT_SECONDS = int(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))
    # "on", or "admins-only": everyone else signs in through the provider (rules/single_sign_on.py).
    PASSWORD_SIGN_IN = os.environ.get("PASSWORD_SIGN_IN", PASSWORD_SIGN_IN_ON)


class DevelopmentConfig(Config):
    DEBUG = True


class ProductionConfig(Config):
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    BASE_URL = os.environ.get("BASE_URL")
    HTTPS = os.environ.get("HTTPS", "1") == "1"


def check_production_config(config) -> None:
    """Refuse to serve production with a guessable secret key or without the site's address."""
    problems = []
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET_KEY or len(secret) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} characters "
                        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')")
    if not config.get("BASE_URL"):
        problems.append("BASE_URL must be set to the site's address (e.g. https://fieldcert.example.org)")
    if config.get("FILE_STORE") not in ("disk", "s3") or (config.get("FILE_STORE") == "s3" and not config.get("S3_BUCKET")):
        problems.append("FILE_STORE must be disk or s3, and s3 needs S3_BUCKET")
    if problems:
        raise ConfigurationError("Production configuration refused: " + "; ".join(problems) + ".")


def check_sign_in_config(config) -> None:
    """Refuse a sign-in configuration that would lock people out or leave password sign-in on by a typo."""
    problems = []
    if config["PASSWORD_SIGN_IN"] not in PASSWORD_SIGN_IN_POLICIES:
        problems.append(f"PASSWORD_SIGN_IN must be one of {', '.join(PASSWORD_SIGN_IN_POLICIES)}")
    if config["OIDC_ISSUER"] and not config["OIDC_CLIENT_ID"]:
        problems.append("OIDC_CLIENT_ID must be set with OIDC_ISSUER")
    if config["PASSWORD_SIGN_IN"] == PASSWORD_SIGN_IN_ADMINS_ONLY and not config["OIDC_ISSUER"]:
        problems.append("PASSWORD_SIGN_IN=admins-only needs OIDC_ISSUER, or only administrators could sign in")
    if problems:
        raise ConfigurationError("Sign-in configuration refused: " + "; ".join(problems) + ".")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    WTF_CSRF_ENABLED = True
    RUN_SCHEDULER = False
    JOBS_INLINE = True
    # Counts are emptied after each test (tests/conftest.py); the Redis test sets its own storage.
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = None  # the Redis test sets its own store
    PAGE_CACHE_VERSION_SECONDS = 0.0  # every request reads it; tests/web/test_page_cache.py sets 1 s where it checks the reuse


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def https_settings() -> dict:
    """What serving over HTTPS changes (ASVS 3.3.1, 3.4.1): cookies only over TLS, under `__Host-` names,
    which a browser accepts only when Secure, for path / and without a Domain, so a sibling subdomain
    or a plain-HTTP page cannot plant or overwrite them."""
    return {
        "PREFERRED_URL_SCHEME": "https",
        "SESSION_COOKIE_NAME": "__Host-session",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "REMEMBER_ME_COOKIE": "__Host-fieldcert_remember",
    }


def database_url_for(instance_path: str) -> str:
    return _database_url(f"sqlite:///{Path(instance_path) / 'fieldcert.sqlite3'}")
