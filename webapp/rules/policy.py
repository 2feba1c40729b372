"""A certification's tracking settings (duration, notices, forced date, refresher...)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

from .languages import N_
from .periods import Period, check_date

EXTEND_TO = ("month", "year")
WINDOW_OPENS = ("first_notice", "second_notice")

# Mixed units (1 month vs 4 weeks) only compare on a given date; one fixed expiration date
# makes the "shorter than" checks deterministic.
REFERENCE_EXPIRATION = date(2026, 7, 1)

# The refusals a person meets on the certification form and in the certifications file, by field: message ids,
# shown translated on the form and read back from an import's stored English (rules/import_errors.py).
REQUIRED_WHEN_EXPIRING = {
    "duration": N_("The duration is required when the certification expires"),
    "first_notice": N_("The 1st notice is required when the certification expires"),
    "second_notice": N_("The 2nd notice is required when the certification expires"),
}
FIRST_NOTICE_TOO_LONG = N_("The 1st notice must be shorter than the duration")
SECOND_NOTICE_TOO_LONG = N_("The 2nd notice must be shorter than the 1st notice")

# Settings that only mean something for a certification that expires, with the words
# used in "a certification that never expires cannot have ...".
_EXPIRING_ONLY = (
    ("duration", "a duration"),
    ("extend_to", "an extend-to-end setting"),
    ("forced_expiration", "a forced expiration date"),
    ("existing_window_opens", "an existing-record rule"),
    ("existing_grace", "a grace period"),
    ("first_notice", "a 1st notice"),
    ("second_notice", "a 2nd notice"),
    ("refresher", "refresher training"),
)


def _shorter(short: Period, long: Period) -> bool:
    return short.before(REFERENCE_EXPIRATION) > long.before(REFERENCE_EXPIRATION)


@dataclass(frozen=True)
class TrackingPolicy:
    """How a certification expires. Defaults: it never expires.

    `refresher` holds the settings used once the user has an approved record (duration,
    extend_to and notices); the forced date and the existing-record rule always come from
    the initial settings, so the refresher must not set them.

    `expiry_as_printed`: a record's expiration is the one printed on its card when the card
    gives one (decision 34); the computed rules apply to a card without one.
    """

    expires: bool = False
    duration: Period | None = None
    extend_to: str | None = None
    forced_expiration: date | None = None
    existing_window_opens: str | Period | None = None
    existing_grace: Period | None = None
    first_notice: Period | None = None
    second_notice: Period | None = None
    refresher: TrackingPolicy | None = None
    expiry_as_printed: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.expires, bool):
            raise ValueError("expires: must be True or False")
        for name in ("duration", "existing_grace", "first_notice", "second_notice"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), Period):
                raise ValueError(f"{name}: must be a period")
        if self.extend_to is not None and self.extend_to not in EXTEND_TO:
            raise ValueError(f"extend_to: must be 'month' or 'year', not {self.extend_to!r}")
        check_date(self.forced_expiration, "forced_expiration", optional=True)
        opens = self.existing_window_opens
        if opens is not None and opens not in WINDOW_OPENS and not isinstance(opens, Period):
            raise ValueError(
                "existing_window_opens: must be 'first_notice', 'second_notice' or a period"
            )
        if self.refresher is not None and not isinstance(self.refresher, TrackingPolicy):
            raise ValueError("refresher: must be tracking settings")
        if not isinstance(self.expiry_as_printed, bool):
            raise ValueError("expiry_as_printed: must be True or False")
        if self.expiry_as_printed and not self.expires:
            raise ValueError("expiry_as_printed: a certification that never expires cannot use the printed expiry")
        if self.expires:
            self._check_expiring()
        else:
            for name, words in _EXPIRING_ONLY:
                if getattr(self, name) is not None:
                    raise ValueError(
                        f"{name}: a certification that never expires cannot have {words}"
                    )

    def _check_expiring(self) -> None:
        for name, refusal in REQUIRED_WHEN_EXPIRING.items():
            if getattr(self, name) is None:
                raise ValueError(f"{name}: {refusal}")
        if not _shorter(self.first_notice, self.duration):
            raise ValueError(f"first_notice: {FIRST_NOTICE_TOO_LONG}")
        if not _shorter(self.second_notice, self.first_notice):
            raise ValueError(f"second_notice: {SECOND_NOTICE_TOO_LONG}")
        if self.existing_grace is not None and self.existing_window_opens is None:
            raise ValueError(
                "existing_grace: a grace period needs an existing-record rule "
                "(existing_window_opens)"
            )
        refresher = self.refresher
        if refresher is None:
            return
        if not refresher.expires:
            raise ValueError("refresher: refresher training must expire")
        if refresher.forced_expiration is not None:
            raise ValueError(
                "refresher: the forced expiration date comes from the initial settings"
            )
        if refresher.existing_window_opens is not None:
            raise ValueError("refresher: the existing-record rule comes from the initial settings")
        if refresher.refresher is not None:
            raise ValueError("refresher: refresher training cannot have its own refresher")
        if refresher.expiry_as_printed:
            raise ValueError("refresher: the printed expiry setting comes from the initial settings")

    @cached_property
    def _notice_memo(self) -> dict:
        """Notice dates by expiration date, filled by `notice_dates`.

        Keyed on this policy object so a lookup costs one dict get: hashing the
        policy or its periods for a global cache costs more than the lookup saves.
        """
        return {}

    @cached_property
    def _refresher_stage(self) -> TrackingPolicy:
        r = self.refresher
        return replace(
            self,
            duration=r.duration,
            extend_to=r.extend_to,
            first_notice=r.first_notice,
            second_notice=r.second_notice,
            refresher=None,
        )

    def for_stage(self, has_approved_record: bool) -> TrackingPolicy:
        """The settings in force for a completion: the refresher ones once a record exists.

        The result is flat (refresher=None): the initial forced date and existing-record
        rule with the refresher's duration, extend_to and notices.
        """
        if has_approved_record and self.refresher is not None:
            return self._refresher_stage
        return self
