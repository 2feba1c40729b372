"""What an import's preview says of a row (services/*import*.py `PlannedRow`: its label and its changes), as message
ids: the job that checks the file stores their English, read back in the reader's language where the preview is
shown (docs/rules.md decision 114, `IMPORT_PREVIEWS`). A column's name and the words a file is written in (Yes, No,
"training until") stay English inside the sentence (decisions 89 and 111); names are the data's, as written."""
from __future__ import annotations

from .languages import N_
from .messages import Message, message

# Any kind: a column whose value changes, is set, or is rewritten; the values that stand for nothing.
CHANGED = N_("%(column)s: %(before)s → %(after)s")
SET = N_("%(column)s: %(value)s")
REWRITTEN = N_("%(column)s: changed")
BLANK = N_("(blank)")
NOTHING = N_("(none)")
NONE = N_("none")
NOBODY = N_("nobody")
VALUE_WORDS = (BLANK, NOTHING, NONE, NOBODY)

# An asset, client or job location, by kind (rules/entities.py KINDS), and what a row adds to it.
ENTITY_LABEL = {"asset": N_("Asset %(name)s (%(identifier)s)"),
                "client": N_("Client %(name)s (%(identifier)s)"),
                "location": N_("Job Location %(name)s (%(identifier)s)")}
REQUIRES = N_("Requires %(name)s")
REQUIRES_REVOKED = N_("Requires %(name)s, revoked")
APPLIES = N_("Employee certification %(name)s applies to it")

# A record (a person's, or an entity's whose holder is its ENTITY_LABEL), and what importing it gives it.
RECORD_LABEL = N_("%(holder)s: %(certification)s, completed %(day)s")
EXPIRES_ON = N_("expires %(day)s")
NEVER_EXPIRES = N_("never expires")
REVOKED = N_("revoked: %(reason)s")

# A person's requirement of a certification, by the setting the row gives (services/requirement_import.py STATES).
BECOMES_OTHER_REQUIRED = N_("Becomes one of their Other Required Certifications")
SETTING = {"not_applicable": N_("Not applicable"), "deferred": N_("Deferred until %(day)s"),
           "required": N_("Cannot be deferred")}

# A role (a role alone is its name), the company it applies to and the certification it requires there.
ROLE_AT = N_("%(role)s at %(company)s")
ROLE_REQUIRES = N_("%(role)s at %(company)s requires %(certification)s")
NEW_ROLE = N_("new role")

# A job location's row: what it requires of its workers, who works there, or both.
SITE_REQUIRES = N_("%(location)s: requires %(certification)s")
SITE_WORKER = N_("%(location)s: %(person)s works there")
SITE_BOTH = N_("%(location)s: requires %(certification)s; %(person)s works there")



def changed(column: str, before: str | None, after: str | None, empty: str = NONE) -> Message:
    """A column's change: "Job Title: Welder → Foreman", the message `empty` ("none", "(blank)") for no value."""
    return message(CHANGED, column=column, before=before or message(empty), after=after or message(empty))


PREVIEW_TEXTS = (
    CHANGED, SET, REWRITTEN, *ENTITY_LABEL.values(), REQUIRES, REQUIRES_REVOKED, APPLIES, RECORD_LABEL, EXPIRES_ON,
    NEVER_EXPIRES, REVOKED, BECOMES_OTHER_REQUIRED, *SETTING.values(), ROLE_AT, ROLE_REQUIRES, NEW_ROLE,
    SITE_REQUIRES, SITE_WORKER, SITE_BOTH,
)
