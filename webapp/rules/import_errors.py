"""What the imports (services/*import*.py) write of a row, as message ids: a background job stores their English,
read back in the reader's language where it is shown (docs/rules.md decisions 103 and 111, `IMPORT_ERRORS`).
A part in quotes or a list of names is the file's own text, shown as it was written."""
from __future__ import annotations

from .languages import N_
from .periods import TOO_LONG
from .policy import FIRST_NOTICE_TOO_LONG, REQUIRED_WHEN_EXPIRING, SECOND_NOTICE_TOO_LONG

# Any file: its header row (row 1).
HEADER_MISSING = N_("The header row does not match (missing: %(missing)s). Start from the template.")
HEADER_UNKNOWN = N_("The header row does not match (not known: %(unknown)s). Start from the template.")
HEADER_MISSING_AND_UNKNOWN = N_("The header row does not match (missing: %(missing)s; not known: %(unknown)s). "
                                "Start from the template.")
HEADER_ORDER = N_("The columns are in the wrong order: they must be %(headers)s. Start from the template.")

# The certifications file (services/certification_imports.py); its names and families are rules/certifications.py's.
NO_MODULE_LEVEL = N_("No module level is named %(names)s.")
NO_ROLE = N_("No role is named %(names)s.")
NO_CERTIFICATION = N_("No certification is named %(names)s.")
NAME_TWICE = N_("“%(name)s” is in the file twice (rows %(first)s and %(row)s): one row per certification.")
NAME_TAKEN = N_("Another certification already has this name.")
NAME_TAKEN_SHOWN = N_("Another certification already has this name (ID %(number)s): give its Certification ID to "
                      "update it.")
NO_SUCH_ID = N_("No certification has the ID %(number)s: leave it blank to create one.")
NOT_ITS_NAME = N_("Certification ID %(number)s is “%(name)s”: give its exact name to update it (rename a "
                  "certification on its page).")
NOT_A_WEB_ADDRESS = N_("Enter a full web address, starting with https://")
ADDRESS_TOO_LONG = N_("Keep the address to %(limit)s characters or fewer.")
REQUIRED_AT_LOGIN = N_("This certification is required at login, which auto-approves on activity completion: write "
                       "Yes (or change Required at Login on its page).")
SEVERAL_CLIENTS = N_("Several clients are named “%(name)s” (%(identifiers)s): give the identifier of the one you "
                     "mean.")
NO_CLIENT = N_("No client has the identifier or name %(names)s.")
CLIENTS_NOT_EMPLOYEE = N_("Only an Employee certification applies to clients: leave Clients blank for this one.")
DIFFERENT_PARENTS = N_("The file gives “%(name)s” different parents (rows %(rows)s): make its Parent Certification "
                       "and the Child Certification(s) that list it agree.")
CHILD_NOT_LISTED = N_("“%(parent)s” (row %(row)s) does not list “%(child)s” in its Child Certification(s): add it "
                      "there, or change this parent.")
# The tracking settings' refusals (rules/policy.py, rules/periods.py, services/certifications.py
# `policy_from_values`) as the import stores them: under their column; under Duration for a setting the file has
# no column for, after SETTINGS_ON_PAGE (its `problem` one of PAGE_SETTINGS_PROBLEMS).
SETTINGS_PROBLEMS = (*REQUIRED_WHEN_EXPIRING.values(), FIRST_NOTICE_TOO_LONG, SECOND_NOTICE_TOO_LONG, *TOO_LONG.values())
SETTINGS_ON_PAGE = N_("With the settings on the certification's page: %(problem)s")
PAGE_SETTINGS_PROBLEMS = (
    N_("a grace period needs an existing-record rule (existing_window_opens)"),
    N_("enter how long before the existing expiration"),
)


# Any file: its cells and its confirmation (services/imports.py, webapp/tabular.py).
ROW_TOO_WIDE = N_("The row has %(cells)s cells but the header only %(columns)s columns: check the separators and "
                  "quotes.")
FORMULA = N_("This looks like a spreadsheet formula; FieldCert takes only values. Remove it or put an apostrophe (') "
             "in front.")
FIX_THE_FILE = N_("Fix the errors in the file and upload it again.")

# Why a whole file was refused or a job stopped, kept as the job's message (webapp/tabular.py, services/imports.py).
FILE_EMPTY = N_("The file is empty.")
FILE_TOO_LONG = N_("The file has more than %(rows)s rows; split it into smaller files.")
NO_HEADER_ROW = N_("The file has no header row.")
NOT_TEXT = N_("This is not a text file: save the spreadsheet as CSV or .xlsx.")
NOT_DECODABLE = N_("The file's characters cannot be read: save it as CSV UTF-8.")
NOT_CSV = N_("The file is not valid CSV (%(error)s): check its quotes.")
NOT_XLSX = N_("The file is not an Excel workbook (.xlsx) FieldCert can read.")
DATA_CHANGED = N_("The data changed since the preview, so nothing was imported: check the new preview.")
JOB_MESSAGES = (FILE_EMPTY, FILE_TOO_LONG, NO_HEADER_ROW, NOT_TEXT, NOT_DECODABLE, NOT_CSV, NOT_XLSX, DATA_CHANGED)

# Names the other kinds' rows share; the date, yes/no, status and identifier refusals are rules/dates.py's,
# rules/cells.py's, rules/imported_records.py's and rules/entities.py's.
PERSON_MISSING = N_("Enter the person's username or e-mail address.")
CERTIFICATION_MISSING = N_("Enter the certification's name.")
NO_CERTIFICATION_NAMED = N_("There is no certification named %(name)s.")
NO_CERTIFICATION_IN_USE = N_("There is no certification in use named %(name)s.")

# User Certifications (services/record_import.py); the entity records file shares its cells.
TEXT_TOO_LONG = N_("Keep it to %(limit)s characters or fewer.")
COMPLETION_MISSING = N_("Enter the completion date.")
REASON_NEEDED = N_("A revoked record needs the reason it was revoked.")
REASON_ONLY_REVOKED = N_("Only a revoked record has a revocation reason: set Status to Revoked, or empty this cell.")
RECORD_TWICE = N_("This record is in the file twice (also row %(row)s).")
NO_ONE_NAMED = N_("No one has the username or e-mail address %(name)s.")
OWN_RECORD = N_("This is your own record: your module levels do not let you approve your own records.")

# Person Requirements (services/requirement_import.py).
NOBODY_MANAGED = N_("There is nobody whose requirements you manage named %(name)s.")
NOT_A_STATE = N_("Write Not Applicable, Deferred or Cannot Be Deferred, or leave it blank.")
DEFERRAL_DATE = N_("A deferral needs the date it ends, and only a deferral has one.")
REQUIREMENT_TWICE = N_("This person and certification are in the file twice (also row %(row)s).")

# Role/Certification Assignments (services/assignment_import.py); a role's name too long is rules/certifications.py's
# NAME_TOO_LONG.
ROLE_MISSING = N_("Enter the role's name.")
NO_COMPANY = N_("There is no company named %(name)s: add it first.")
COMPANY_NEEDED = N_("A role requires a certification in a company: name the company.")
ASSIGNMENT_TWICE = N_("This assignment is in the file twice (also row %(row)s).")

# Assets, Clients and Job Locations, their records, and Job Location Requirements and Workers
# (services/entity_import.py): a sentence that names a kind is one sentence per kind (decision 102), by
# rules/entities.py's kinds ("employee" for the people who hold an Employee certification).
KIND_UNKNOWN = N_("Write Asset, Client or Job Location, not %(text)s.")
KIND_MISSING = N_("Write Asset, Client or Job Location.")
ENTITY_NAME_MISSING = N_("Enter the name.")
ENTITY_NAME_TOO_LONG = N_("Keep the name to %(limit)s characters.")
ENTITY_NAME_NOT_ONE_LINE = N_("Write the name on one line, without line breaks or tabs.")
DESCRIPTION_TOO_LONG = N_("Keep the description to %(limit)s characters.")
TAG_TOO_LONG = N_("Keep each tag to %(limit)s characters.")
NOBODY_NAMED = N_("There is nobody with the username or e-mail %(name)s.")
OWNER_INACTIVE = N_("%(name)s is no longer active: choose someone who is.")
EMPLOYEE_CERTIFICATIONS_CLIENT_ONLY = N_("Only a client has Employee Certifications: leave this cell blank for an "
                                         "asset or a job location.")
ENTITY_IDENTIFIER_MISSING = {"asset": N_("Enter the asset's identifier."),
                             "client": N_("Enter the client's identifier."),
                             "location": N_("Enter the job location's identifier.")}
NO_ENTITY = {"asset": N_("There is no asset with the identifier %(identifier)s."),
             "client": N_("There is no client with the identifier %(identifier)s."),
             "location": N_("There is no job location with the identifier %(identifier)s.")}
ENTITY_ARCHIVED = {
    "asset": N_("The asset %(name)s with this identifier is archived: restore it on its page first."),
    "client": N_("The client %(name)s with this identifier is archived: restore it on its page first."),
    "location": N_("The job location %(name)s with this identifier is archived: restore it on its page first."),
}
ENTITY_TWICE = {"asset": N_("This asset is in the file twice (also row %(row)s)."),
                "client": N_("This client is in the file twice (also row %(row)s)."),
                "location": N_("This job location is in the file twice (also row %(row)s).")}
# A certification of another type than the entity's: by (the certification's type, the entity's kind).
HELD_BY_OTHERS = {
    ("employee", "asset"): N_("%(name)s is held by people, not by assets."),
    ("employee", "client"): N_("%(name)s is held by people, not by clients."),
    ("employee", "location"): N_("%(name)s is held by people, not by job locations."),
    ("asset", "client"): N_("%(name)s is held by assets, not by clients."),
    ("asset", "location"): N_("%(name)s is held by assets, not by job locations."),
    ("client", "asset"): N_("%(name)s is held by clients, not by assets."),
    ("client", "location"): N_("%(name)s is held by clients, not by job locations."),
    ("location", "asset"): N_("%(name)s is held by job locations, not by assets."),
    ("location", "client"): N_("%(name)s is held by job locations, not by clients."),
}
# A certification of an entity where an Employee one is wanted: by the certification's type.
NOT_FOR_CLIENTS = {
    "asset": N_("%(name)s is held by assets: only an Employee certification applies to clients."),
    "client": N_("%(name)s is held by clients: only an Employee certification applies to clients."),
    "location": N_("%(name)s is held by job locations: only an Employee certification applies to clients."),
}
NOT_FOR_PEOPLE = {
    "asset": N_("%(name)s is held by assets, not by people: choose an Employee certification."),
    "client": N_("%(name)s is held by clients, not by people: choose an Employee certification."),
    "location": N_("%(name)s is held by job locations, not by people: choose an Employee certification."),
}
REVOKED_FOR = {"asset": N_("%(name)s is revoked for this asset: an import does not restore it."),
               "client": N_("%(name)s is revoked for this client: an import does not restore it."),
               "location": N_("%(name)s is revoked for this job location: an import does not restore it.")}
NOT_REVOKED_FOR = {
    "asset": N_("%(name)s is not revoked for this asset: an import does not revoke it (revoke it on its page, with "
                "its reason)."),
    "client": N_("%(name)s is not revoked for this client: an import does not revoke it (revoke it on its page, with "
                 "its reason)."),
    "location": N_("%(name)s is not revoked for this job location: an import does not revoke it (revoke it on its "
                   "page, with its reason)."),
}
ANOTHER_STATUS = {
    "asset": N_("Row %(row)s gives this asset's %(name)s another status or revocation reason: the records of one "
                "association are all revoked, for one reason, or none is."),
    "client": N_("Row %(row)s gives this client's %(name)s another status or revocation reason: the records of one "
                 "association are all revoked, for one reason, or none is."),
    "location": N_("Row %(row)s gives this job location's %(name)s another status or revocation reason: the records "
                   "of one association are all revoked, for one reason, or none is."),
}
LOCATION_ARCHIVED = N_("The job location %(name)s is archived: it requires nothing.")
NO_WORKER = N_("No person you manage the requirements of has the username or e-mail %(name)s.")
WORKER_INACTIVE = N_("%(name)s is no longer active: only active people are assigned to work at a job location.")
SITE_ROW_EMPTY = N_("Name a certification the job location requires, a person who works there, or both.")
ROW_TWICE = N_("This row is in the file twice (also row %(row)s).")

# People (services/people_import.py); the refusals it shares with the forms are rules/people.py's.
EMAIL_OF_ANOTHER = N_("Another user already has this e-mail address. The username is %(username)s's, the e-mail "
                      "address %(other)s's.")
ERASED = N_("This former employee's personal data was erased: add them again with another username.")
# A required column left blank, and a column that must be unique repeated in the file: by column.
COLUMN_MISSING = {"Username": N_("Enter the username."), "E-mail": N_("Enter the e-mail."),
                  "First Name": N_("Enter the first name."), "Last Name": N_("Enter the last name.")}
REPEATED = {"Username": N_("Also on row %(row)s: each person needs their own username."),
            "E-mail": N_("Also on row %(row)s: each person needs their own e-mail."),
            "Employee Number": N_("Also on row %(row)s: each person needs their own employee number.")}
NOT_AN_EMAIL = N_("Enter an e-mail address such as name@example.com.")
NO_MODULE_LEVELS = N_("Choose existing module levels. Not known: %(names)s.")
MODULE_LEVELS_NOT_YOURS = N_("Only someone who may manage module levels may change them: leave the cell blank or as "
                             "it is.")
TRAINING_DATE = N_("%(role)s: %(refusal)s")  # the refusal is one of rules/dates.py's DATE_PROBLEMS
TRAINING_OVER = N_("%(role)s: the training end date must be after today (%(day)s).")
NO_ROLES = N_("Choose existing roles. Not known: %(names)s.")
ROLES_NOT_YOURS = N_("Only someone who may manage everyone's requirements may change the roles of people already in "
                     "FieldCert: leave the cell as it is.")
NO_COMPANY_NAMED = N_("Choose an existing company. Not known: %(name)s.")
SAME_PERSON = N_("Row %(row)s is for the same person already.")
NO_SUPERVISOR = N_("Nobody has the username %(name)s, in FieldCert or in a correct row of this file.")
SUPERVISOR_INACTIVE = N_("%(name)s is inactive. Choose supervisors among the active users.")

OTHER_KINDS_ERRORS = (
    ROW_TOO_WIDE, FORMULA, FIX_THE_FILE, PERSON_MISSING, CERTIFICATION_MISSING, NO_CERTIFICATION_NAMED,
    NO_CERTIFICATION_IN_USE, TEXT_TOO_LONG, COMPLETION_MISSING, REASON_NEEDED, REASON_ONLY_REVOKED, RECORD_TWICE,
    NO_ONE_NAMED, OWN_RECORD, NOBODY_MANAGED, NOT_A_STATE, DEFERRAL_DATE, REQUIREMENT_TWICE, ROLE_MISSING, NO_COMPANY,
    COMPANY_NEEDED, ASSIGNMENT_TWICE, KIND_UNKNOWN, KIND_MISSING, ENTITY_NAME_MISSING, ENTITY_NAME_TOO_LONG,
    ENTITY_NAME_NOT_ONE_LINE, DESCRIPTION_TOO_LONG, TAG_TOO_LONG, NOBODY_NAMED, OWNER_INACTIVE,
    EMPLOYEE_CERTIFICATIONS_CLIENT_ONLY,
    *ENTITY_IDENTIFIER_MISSING.values(), *NO_ENTITY.values(), *ENTITY_ARCHIVED.values(), *ENTITY_TWICE.values(),
    *HELD_BY_OTHERS.values(), *NOT_FOR_CLIENTS.values(), *NOT_FOR_PEOPLE.values(), *REVOKED_FOR.values(),
    *NOT_REVOKED_FOR.values(), *ANOTHER_STATUS.values(), LOCATION_ARCHIVED, NO_WORKER, WORKER_INACTIVE,
    SITE_ROW_EMPTY, ROW_TWICE, EMAIL_OF_ANOTHER, ERASED, *COLUMN_MISSING.values(), *REPEATED.values(), NOT_AN_EMAIL,
    NO_MODULE_LEVELS, MODULE_LEVELS_NOT_YOURS, TRAINING_DATE, TRAINING_OVER, NO_ROLES, ROLES_NOT_YOURS,
    NO_COMPANY_NAMED, SAME_PERSON, NO_SUPERVISOR, SUPERVISOR_INACTIVE,
)

ROW_ERRORS = (
    HEADER_MISSING, HEADER_UNKNOWN, HEADER_MISSING_AND_UNKNOWN, HEADER_ORDER, NO_MODULE_LEVEL, NO_ROLE,
    NO_CERTIFICATION, NAME_TWICE, NAME_TAKEN, NAME_TAKEN_SHOWN, NO_SUCH_ID, NOT_ITS_NAME, NOT_A_WEB_ADDRESS,
    ADDRESS_TOO_LONG, REQUIRED_AT_LOGIN, SEVERAL_CLIENTS, NO_CLIENT, CLIENTS_NOT_EMPLOYEE, DIFFERENT_PARENTS,
    CHILD_NOT_LISTED, SETTINGS_ON_PAGE, *SETTINGS_PROBLEMS, *OTHER_KINDS_ERRORS, *JOB_MESSAGES,
)
