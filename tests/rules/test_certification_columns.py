"""The 42 columns of a certifications file and Valid When Added (decision 80): each column's reading (table tests), the rules between
columns, writing back, and the certification rules the form and the import share."""
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.rules.certification_columns import (
    BY_KEY,
    COLUMNS,
    HEADERS,
    CellInvalid,
    overdue_period,
    read_boolean,
    read_row,
    write_row,
)
from webapp.rules.certifications import (
    BOTH_PARENT_AND_CHILDREN,
    CHILD_TAKEN,
    OWN_PARENT,
    PARENT_IS_A_CHILD,
    family_problems,
    name_problem,
    settle_settings,
)

BOOLEANS = [c.header for c in COLUMNS if c.read is read_boolean]
AMOUNTS = ["Duration", "Due", "Overdue", "Refresher Duration", "Refresher Due", "Refresher Overdue"]
PERIODS = ["Duration Period", "Due Period", "Refresher Duration Period", "Refresher Due Period"]
OVERDUE_PERIODS = ["Overdue Period", "Refresher Overdue Period"]
TIME_PERIODS = ["Time to Complete Period", "Refresher Time to Complete Period"]
DECIMALS = ["Cost of Training", "Time to Complete", "Refresher Cost of Training", "Refresher Time to Complete"]
EXTENDS = ["Extend Duration", "Refresher Extend Duration"]
NAME_LISTS = ["Hide From People Module Levels", "Hide Attachments From People Module Levels",
              "Allowed Batch Submission Roles", "Child Certification(s)", "Clients"]


def read(header: str, text: str):
    return next(c for c in COLUMNS if c.header == header).read(text)


@pytest.mark.parametrize("text, value, written", [("", None, ""), ("Employee", "employee", "Employee"),
                                                  ("ASSET", "asset", "Asset"), ("client", "client", "Client"),
                                                  ("job LOCATION", "location", "Job Location")])
def test_the_type_column_reads_the_four_types_and_blank(text, value, written):
    assert read("Type", text) == value and BY_KEY["type"].write(value) == written


@pytest.mark.parametrize("text", ["Location", "Employees", "Vehicle"])
def test_another_type_is_refused_saying_the_four_words(text):
    with pytest.raises(CellInvalid, match="write Employee, Asset, Client or Job Location"):
        read("Type", text)


def test_the_42_headers_in_the_documents_order_then_valid_when_added_type_and_clients():
    assert len(HEADERS) == 45 and len(set(HEADERS)) == 45
    assert HEADERS[:4] == ("Certification ID", "Name", "Information", "External URL")
    assert HEADERS[7:15] == ("Certification Expires", "Duration", "Duration Period", "Extend Duration", "Due",
                             "Due Period", "Overdue", "Overdue Period")
    assert HEADERS[-4:] == ("Child Certification(s)", "Valid When Added", "Type", "Clients")
    # Every column is one of the kinds below, so every column has its table test.
    covered = {"Certification ID", "Name", "Information", "External URL", "Parent Certification", "Type", *BOOLEANS, *AMOUNTS,
               *PERIODS, *OVERDUE_PERIODS, *TIME_PERIODS, *DECIMALS, *EXTENDS, *NAME_LISTS}
    assert covered == set(HEADERS)


@pytest.mark.parametrize("header", BOOLEANS)
@pytest.mark.parametrize("text, value", [
    ("Yes", True), ("y", True), ("ON", True), ("True", True), ("1", True), (" yes ", True),
    ("", False), ("No", False), ("n", False), ("off", False), ("FALSE", False), ("0", False),
])
def test_booleans(header, text, value):
    assert read(header, text) is value


@pytest.mark.parametrize("header", BOOLEANS)
@pytest.mark.parametrize("text", ["maybe", "2", "oui", "yes please", "-1", "x"])
def test_booleans_refuse_anything_else(header, text):
    with pytest.raises(CellInvalid, match="is not a yes or no: write Yes, Y, On, True or 1"):
        read(header, text)


@pytest.mark.parametrize("header", AMOUNTS)
@pytest.mark.parametrize("text, value", [("", None), ("1", 1), ("36", 36), ("007", 7), ("999999999", 999999999)])
def test_positive_integers(header, text, value):
    assert read(header, text) == value


@pytest.mark.parametrize("header", AMOUNTS)
@pytest.mark.parametrize("text, message", [
    ("0", "not a positive whole number"), ("-1", "not a positive whole number"), ("1.5", "not a positive whole number"),
    ("one", "not a positive whole number"), ("１", "not a positive whole number"), ("1e3", "not a positive whole number"),
    ("1000000000", "is too large"), ("9" * 5000, "is too large"),
])
def test_positive_integers_refuse(header, text, message):
    with pytest.raises(CellInvalid, match=message):
        read(header, text)


@pytest.mark.parametrize("header", PERIODS)
@pytest.mark.parametrize("text, value", [
    ("Days", "days"), ("day", "days"), ("WEEKS", "weeks"), ("Month", "months"), ("years", "years"), ("Year", "years"),
    ("None", None), ("none", None), ("", None),
])
def test_periods(header, text, value):
    assert read(header, text) == value


@pytest.mark.parametrize("header", PERIODS)
@pytest.mark.parametrize("text", ["Hours", "fortnight", "1 year", "yrs"])
def test_periods_refuse(header, text):
    with pytest.raises(CellInvalid, match="write Days, Weeks, Months, Years or None"):
        read(header, text)


@pytest.mark.parametrize("header", OVERDUE_PERIODS)
def test_overdue_periods_have_no_years(header):
    assert read(header, "Months") == "months" and read(header, "none") is None
    with pytest.raises(CellInvalid, match=r"write Days, Weeks, Months or None \(no Years here: 1 Year is 12 Months\)"):
        read(header, "Years")


@pytest.mark.parametrize("header", TIME_PERIODS)
@pytest.mark.parametrize("text, value", [("Hours", "hours"), ("hour", "hours"), ("Days", "days"), ("Years", "years"),
                                         ("None", None), ("", None)])
def test_time_periods_take_hours_too(header, text, value):
    assert read(header, text) == value


@pytest.mark.parametrize("header", TIME_PERIODS)
def test_time_periods_refuse(header):
    with pytest.raises(CellInvalid, match="write Hours, Days, Weeks, Months, Years or None"):
        read(header, "minutes")


@pytest.mark.parametrize("header", DECIMALS)
@pytest.mark.parametrize("text, value", [
    ("", None), ("12", Decimal("12")), ("12.5", Decimal("12.5")), ("12,50", Decimal("12.50")), ("0", Decimal("0")),
    ("0.25", Decimal("0.25")), ("1.500", Decimal("1.5")), ("000123.40", Decimal("123.4")),
])
def test_decimals(header, text, value):
    assert read(header, text) == value


@pytest.mark.parametrize("header", DECIMALS)
@pytest.mark.parametrize("text, message", [
    ("-1", "is not a number"), ("1,000.50", "is not a number"), ("12.", "is not a number"), ("$12", "is not a number"),
    ("1e3", "is not a number"), ("١٢", "is not a number"), ("1.005", "more than 2 decimals"),
    ("12345678901", "is too large"),
])
def test_decimals_refuse(header, text, message):
    with pytest.raises(CellInvalid, match=message):
        read(header, text)


def test_time_to_complete_holds_fewer_digits_than_a_cost():
    assert read("Cost of Training", "1234567890.99") == Decimal("1234567890.99")
    with pytest.raises(CellInvalid, match="at most 6 digits"):
        read("Time to Complete", "1234567")


@pytest.mark.parametrize("header", EXTENDS)
@pytest.mark.parametrize("text, value", [("Month", "month"), ("year", "year"), ("YEARS", "year"), ("None", None), ("", None)])
def test_extend(header, text, value):
    assert read(header, text) == value


@pytest.mark.parametrize("header", EXTENDS)
def test_extend_refuses(header):
    with pytest.raises(CellInvalid, match="write Month, Year or None"):
        read(header, "Week")


@pytest.mark.parametrize("header", NAME_LISTS)
@pytest.mark.parametrize("text, names", [
    ("", ()), ("Employee", ("Employee",)), ("Employee; Supervisor", ("Employee", "Supervisor")),
    (" Employee ;; supervisor ;", ("Employee", "supervisor")), ("A;a;B", ("A", "B")),
])
def test_name_lists(header, text, names):
    assert read(header, text) == names


@pytest.mark.parametrize("text, value", [("", None), ("12", 12), ("0012", 12)])
def test_certification_id(text, value):
    assert read("Certification ID", text) == value


@pytest.mark.parametrize("text", ["0", "-3", "12a", "1.0", "99999999999"])
def test_certification_id_refuses(text):
    with pytest.raises(CellInvalid, match="is not a certification ID"):
        read("Certification ID", text)


@pytest.mark.parametrize("header", ["Information", "External URL"])
def test_text_keeps_line_breaks_and_refuses_control_characters(header):
    assert read(header, "one\r\ntwo\tthree") == "one\r\ntwo\tthree" and read(header, "") is None
    with pytest.raises(CellInvalid, match="control characters"):
        read(header, "nul\x00byte")


def test_the_parent_is_one_name_on_one_line():
    assert read("Parent Certification", "First Aid") == "First Aid" and read("Parent Certification", "") is None
    with pytest.raises(CellInvalid, match="on one line"):
        read("Parent Certification", "First\nAid")


@pytest.mark.parametrize("name, message", [
    ("", "Enter the certification name."),
    ("Crane; Rigging", "The name cannot contain the characters ; < > \\ /"),
    ("a<b", "cannot contain"), ("a>b", "cannot contain"), ("a\\b", "cannot contain"), ("a/b", "cannot contain"),
    ("Two\nlines", "on one line"), ("Tab\there", "on one line"),
    ("x" * 201, "Keep the name to 200 characters or fewer."),
    ("First Aid", None), ("x" * 200, None), ("Sécurité – niveau 1", None),
])
def test_names(name, message):
    assert name_problem(name, 200) == message or message in (name_problem(name, 200) or "")


def cells(**by_header) -> dict:
    return {**dict.fromkeys(HEADERS, ""), "Name": "Forklift", **by_header}


EXPIRING = {"Certification Expires": "Yes", "Duration": "1", "Duration Period": "Years", "Due": "1",
            "Due Period": "Months", "Overdue": "1", "Overdue Period": "Weeks"}


@pytest.mark.parametrize("given_cells, errors", [
    ({}, []),
    (EXPIRING, []),
    ({**EXPIRING, "Duration Period": "None"}, [("Duration Period", "Give the unit of the Duration.")]),
    ({"Time to Complete": "2"}, [("Time to Complete Period", "Give the unit of the Time to Complete.")]),
    ({"Time to Complete Period": "Days"}, [("Time to Complete", "Time to Complete Period is Days, but Time to Complete "
                                                                "is blank: give both, or neither.")]),
    ({"Duration": "1", "Duration Period": "Years"}, [
        ("Duration", "Certification Expires is No, so leave Duration blank."),
        ("Duration Period", "Certification Expires is No, so leave Duration Period blank.")]),
    ({"Extend Duration": "Month"}, [("Extend Duration", "Certification Expires is No, so leave Extend Duration blank.")]),
    ({"Refresher Training": "Yes"}, [("Refresher Training", "Certification Expires is No, so leave Refresher Training "
                                                            "No or blank.")]),
    ({"Refresher Cost of Training": "5"}, [("Refresher Cost of Training", "Certification Expires is No, so leave "
                                                                          "Refresher Cost of Training blank.")]),
    ({**EXPIRING, "Refresher Overdue": "2", "Refresher Overdue Period": "Days"}, [
        ("Refresher Overdue", "Refresher Training is No, so leave Refresher Overdue blank."),
        ("Refresher Overdue Period", "Refresher Training is No, so leave Refresher Overdue Period blank.")]),
    ({"Certification Expires": "perhaps", "Duration": "1"}, [
        ("Certification Expires", "“perhaps” is not a yes or no: write Yes, Y, On, True or 1; or No, N, Off, False, 0 "
                                  "or blank (any case)."),
        ("Duration Period", "Give the unit of the Duration.")]),
])
def test_rules_between_columns(given_cells, errors):
    _, found = read_row(cells(**given_cells))
    assert [(error.column, error.message.english()) for error in found] == errors


def test_a_row_reads_into_the_settings_and_writes_back_the_same():
    settings, errors = read_row(cells(**EXPIRING, **{
        "Certification ID": "7", "Cost of Training": "12.50", "Hide From People Module Levels": "Employee; Supervisor",
        "Parent Certification": "First Aid", "Require Attachment": "y"}))
    assert errors == []
    assert settings["id"] == 7 and settings["duration_amount"] == 1 and settings["duration_unit"] == "years"
    assert settings["hidden_levels"] == ("Employee", "Supervisor") and settings["require_attachment"] is True
    written = write_row(settings)
    assert len(written) == 45 and written[:2] == (7, "Forklift") and written[HEADERS.index("Overdue Period")] == "Weeks"
    again, _ = read_row({header: str(cell) for header, cell in zip(HEADERS, written)})
    assert again == settings


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=12), min_size=45, max_size=45))
def test_any_text_reads_into_settings_or_messages_never_an_exception(texts):
    settings, errors = read_row(dict(zip(HEADERS, (text.strip() for text in texts))))
    failed = {error.column for error in errors}
    assert {BY_KEY[key].header for key in settings} | failed == set(HEADERS) or failed
    assert all(error.column in HEADERS and error.message for error in errors)


@pytest.mark.parametrize("period, written", [((1, "years"), (12, "months")), ((2, "weeks"), (2, "weeks")),
                                             ((None, None), (None, None))])
def test_a_2nd_notice_in_years_is_written_in_months(period, written):
    assert overdue_period(*period) == written


@pytest.mark.parametrize("own, parent, children, parent_of, errors", [
    (1, None, set(), {}, {}),
    (1, 2, {3}, {}, {"parent_id": BOTH_PARENT_AND_CHILDREN}),
    (1, 1, set(), {}, {"parent_id": OWN_PARENT}),
    (1, None, {1}, {}, {"child_ids": OWN_PARENT}),
    (1, 2, set(), {2: 5}, {"parent_id": PARENT_IS_A_CHILD}),
    (1, None, {3}, {3: 4}, {"child_ids": CHILD_TAKEN}),
    (1, None, {3}, {3: 1}, {}),
    (1, None, {3}, {6: 3}, {"child_ids": CHILD_TAKEN}),
    ("first aid", None, {"cpr"}, {"cpr": "first aid", "aed": "first aid"}, {}),
    (None, 2, set(), {2: None}, {}),
])
def test_family_rules(own, parent, children, parent_of, errors):
    assert family_problems(own, parent, children, parent_of) == errors
    assert family_problems(own, parent, children, parent_of, set(parent_of.values())) == errors


COLUMN_NAMES = ("name", "expires", "duration_amount", "duration_unit", "extend_to", "has_refresher",
                "refresher_duration_amount", "refresher_duration_unit", "existing_window_opens", "existing_window_amount",
                "existing_window_unit", "activity_type", "course_id", "learning_integration_id",
                "external_course_ref", "required_at_login", "auto_approve_on_activity", "hide_from_shared_reports",
                "hide_attachments_from_shared_reports", "hide_from_qr_reports", "hide_attachments_from_qr_reports",
                "allow_batch_submission")


def test_settled_settings_draw_each_settings_consequences():
    settled = settle_settings({
        "name": " Forklift ", "expires": False, "duration_amount": "3", "duration_unit": "years", "extend_to": "month",
        "has_refresher": True, "refresher_duration_amount": 1, "activity_type": "course", "course_id": 4, "form_ids": [5],
        "required_at_login": True, "hide_from_shared_reports": True, "hide_from_qr_reports": False,
        "hidden_level_ids": [3, 1], "attachments_hidden_level_ids": [2], "batch_role_ids": [9],
        "allow_batch_submission": False,
    }, COLUMN_NAMES)
    assert settled["name"] == "Forklift" and settled["duration_amount"] is None and settled["duration_unit"] is None
    assert settled["extend_to"] is None and settled["has_refresher"] is False and settled["refresher_duration_amount"] is None
    assert (settled["course_id"], settled["form_ids"]) == (4, []) and settled["auto_approve_on_activity"] is True
    assert settled["hide_attachments_from_shared_reports"] is True and not settled.get("hide_attachments_from_qr_reports")
    assert settled["attachments_hidden_level_ids"] == [1, 2, 3] and settled["batch_role_ids"] == []
    assert settle_settings({"name": "Forms", "activity_type": "form", "form_ids": [None, 7, None, 2]},
                           COLUMN_NAMES)["form_ids"] == [7, 2]  # in order, blank places skipped (decision 81)


def test_settled_settings_of_an_expiring_certification_keep_its_periods_as_numbers():
    settled = settle_settings({"name": "Crane", "expires": True, "duration_amount": "2", "duration_unit": "years",
                               "existing_window_opens": "first_notice", "existing_window_amount": 3,
                               "existing_window_unit": "weeks", "activity_type": "none"}, COLUMN_NAMES)
    assert (settled["duration_amount"], settled["duration_unit"]) == (2, "years")
    assert settled["existing_window_amount"] is None and settled["existing_window_unit"] is None
