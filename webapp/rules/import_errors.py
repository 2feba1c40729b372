"""What the imports (services/*import*.py) write of a row, as message ids: a background job stores their English,
read back in the reader's language where it is shown (docs/rules.md decisions 103 and 111, `IMPORT_ERRORS`).
A part in quotes or a list of names is the file's own text, shown as it was written."""
from __future__ import annotations

from .languages import N_

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
# `policy_from_values`) as the import stores them: under their column, capitalized; under Duration for a setting
# the file has no column for, after SETTINGS_ON_PAGE (its `problem` one of PAGE_SETTINGS_PROBLEMS).
SETTINGS_PROBLEMS = (
    N_("The duration is required when the certification expires"),
    N_("The 1st notice is required when the certification expires"),
    N_("The 2nd notice is required when the certification expires"),
    N_("The 1st notice must be shorter than the duration"),
    N_("The 2nd notice must be shorter than the 1st notice"),
    N_("Must be at most 100 years"),
    N_("Must be at most 1200 months (100 years)"),
    N_("Must be at most 5218 weeks (100 years)"),
    N_("Must be at most 36525 days (100 years)"),
)
SETTINGS_ON_PAGE = N_("With the settings on the certification's page: %(problem)s")
PAGE_SETTINGS_PROBLEMS = (
    N_("a grace period needs an existing-record rule (existing_window_opens)"),
    N_("enter how long before the existing expiration"),
)


# The other kinds' rows (their services write these texts; rules/dates.py, rules/cells.py, rules/entities.py and
# rules/imported_records.py give the refusals they share).
OTHER_KINDS_ERRORS = (
    # User Certifications (services/record_import.py); the entity records file shares its cells.
    N_("Keep it to %(limit)s characters or fewer."),
    N_("Enter the completion date."),
    N_("A revoked record needs the reason it was revoked."),
    N_("Only a revoked record has a revocation reason: set Status to Revoked, or empty this cell."),
    N_("No one has the username or e-mail address %(name)s."),
    N_("This is your own record: your module levels do not let you approve your own records."),
    # Person Requirements (services/requirement_import.py).
    N_("This person and certification are in the file twice (also row %(row)s)."),
    # Role/Certification Assignments: a role's name too long is rules/certifications.py's NAME_TOO_LONG's text.
    # Assets, Clients and Job Locations, their records, and Job Location Requirements and Workers
    # (services/entity_import.py).
    N_("Write Asset, Client or Job Location, not %(text)s."),
    N_("Write Asset, Client or Job Location."),
    N_("Enter the name."),
    N_("Keep the name to %(limit)s characters."),
    N_("Write the name on one line, without line breaks or tabs."),
    N_("Keep the description to %(limit)s characters."),
    N_("Keep each tag to %(limit)s characters."),
    N_("There is nobody with the username or e-mail %(name)s."),
    N_("%(name)s is no longer active: choose someone who is."),
    N_("Enter the asset's identifier."),
    N_("Enter the client's identifier."),
    N_("Enter the job location's identifier."),
    N_("There is no asset with the identifier %(identifier)s."),
    N_("There is no client with the identifier %(identifier)s."),
    N_("There is no job location with the identifier %(identifier)s."),
    N_("The asset %(name)s with this identifier is archived: restore it on its page first."),
    N_("The client %(name)s with this identifier is archived: restore it on its page first."),
    N_("The job location %(name)s with this identifier is archived: restore it on its page first."),
    N_("This asset is in the file twice (also row %(row)s)."),
    N_("This client is in the file twice (also row %(row)s)."),
    N_("This job location is in the file twice (also row %(row)s)."),
    N_("The job location %(name)s is archived: it requires nothing."),
    N_("%(name)s is held by assets, not by people: choose an Employee certification."),
    N_("%(name)s is held by clients, not by people: choose an Employee certification."),
    N_("%(name)s is held by job locations, not by people: choose an Employee certification."),
    N_("%(name)s is held by assets: only an Employee certification applies to clients."),
    N_("%(name)s is held by clients: only an Employee certification applies to clients."),
    N_("%(name)s is held by job locations: only an Employee certification applies to clients."),
    N_("No person you manage the requirements of has the username or e-mail %(name)s."),
    N_("%(name)s is no longer active: only active people are assigned to work at a job location."),
    N_("Name a certification the job location requires, a person who works there, or both."),
    N_("This row is in the file twice (also row %(row)s)."),
    # People (services/people_import.py, with services/people.py's refusals and rules/people.py's `text_problem`).
    N_("Another user already has this username."),
    N_("Another user already has this e-mail address."),
    N_("Another user already has this employee number."),
    N_("Another user already has this e-mail address. The username is %(username)s's, the e-mail address "
       "%(other)s's."),
    N_("Only someone with every permission this person has may change their e-mail address."),
    N_("This former employee's personal data was erased: add them again with another username."),
    N_("Enter the username."),
    N_("Enter the e-mail."),
    N_("Enter the first name."),
    N_("Enter the last name."),
    N_("Enter an e-mail address such as name@example.com."),
    N_("Choose existing module levels. Not known: %(names)s."),
    N_("Only someone who may manage module levels may change them: leave the cell blank or as it is."),
    N_("You cannot remove your own right to manage module levels."),
    N_("%(role)s: the training end date must be after today (%(day)s)."),
    N_("Choose existing roles. Not known: %(names)s."),
    N_("Only someone who may manage everyone's requirements may change the roles of people already in FieldCert: "
       "leave the cell as it is."),
    N_("Choose an existing company. Not known: %(name)s."),
    N_("You cannot deactivate your own account."),
    N_("Also on row %(row)s: each person needs their own username."),
    N_("Also on row %(row)s: each person needs their own e-mail."),
    N_("Also on row %(row)s: each person needs their own employee number."),
    N_("Row %(row)s is for the same person already."),
    N_("A user cannot supervise themselves."),
    N_("Nobody has the username %(name)s, in FieldCert or in a correct row of this file."),
    N_("%(name)s is inactive. Choose supervisors among the active users."),
    N_("Someone chosen is supervised by this person, directly or through others: nobody may end up supervising "
       "themselves."),
)

ROW_ERRORS = (
    HEADER_MISSING, HEADER_UNKNOWN, HEADER_MISSING_AND_UNKNOWN, HEADER_ORDER, NO_MODULE_LEVEL, NO_ROLE,
    NO_CERTIFICATION, NAME_TWICE, NAME_TAKEN, NAME_TAKEN_SHOWN, NO_SUCH_ID, NOT_ITS_NAME, NOT_A_WEB_ADDRESS,
    ADDRESS_TOO_LONG, REQUIRED_AT_LOGIN, SEVERAL_CLIENTS, NO_CLIENT, CLIENTS_NOT_EMPLOYEE, DIFFERENT_PARENTS,
    CHILD_NOT_LISTED, SETTINGS_ON_PAGE, *SETTINGS_PROBLEMS, *OTHER_KINDS_ERRORS,
)
