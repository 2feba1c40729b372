"""Single sign-on: which identities from the organisation's OpenID Connect provider may sign in,
and who may still sign in with a password.

Decisions 23 and 24 in docs/rules.md. The ID token has already been verified (signature, issuer,
audience, expiry, nonce); these rules judge what it says.
"""
from __future__ import annotations

from collections.abc import Set

PASSWORD_SIGN_IN_ON = "on"
PASSWORD_SIGN_IN_ADMINS_ONLY = "admins-only"
PASSWORD_SIGN_IN_POLICIES = (PASSWORD_SIGN_IN_ON, PASSWORD_SIGN_IN_ADMINS_ONLY)


def allowed_domains(setting: str) -> frozenset[str]:
    """The e-mail domains of OIDC_ALLOWED_DOMAINS ("example.org, example.com"); empty allows any."""
    return frozenset(part.strip().lstrip("@").lower() for part in setting.split(",") if part.strip())


def identity_refusal(email: str | None, email_verified, domains: Set[str], *, domain_owner_verified=None) -> str | None:
    """Decision 27: why the provider's identity may not sign in, or None when it may.

    The account is found by e-mail address, so the address must be there and verified by the
    provider (`email_verified` exactly true: the string "true" is not), and in an allowed domain
    when the organisation lists some. Entra ID never sends `email_verified`; its `xms_edov`
    (`domain_owner_verified`: the tenant owns the address's domain) stands in only when
    `email_verified` is absent.
    """
    if not email or "@" not in email:
        return "Your company account has no e-mail address, so FieldCert cannot tell which account is yours."
    verified = email_verified is True or (email_verified is None and domain_owner_verified is True)
    if not verified:
        return ("Your company account's e-mail address is not verified, so FieldCert cannot rely on it. "
                "Verify it with your company, then sign in again.")
    domain = email.rsplit("@", 1)[1].lower()
    if domains and domain not in domains:
        return f"Addresses at {domain} may not sign in to FieldCert. Use your account at {', '.join(sorted(domains))}."
    return None


def password_sign_in_allowed(policy: str, *, administrator: bool) -> bool:
    """Decision 28: with PASSWORD_SIGN_IN "admins-only", only administrators (who may manage module
    levels) sign in with a password; they can still get in while the provider is down."""
    return policy == PASSWORD_SIGN_IN_ON or administrator
