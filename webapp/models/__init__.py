"""The data model; import models from here."""
from webapp.extensions import db
from webapp.models.activities import (
    Acknowledgement,
    ActivityDocument,
    Course,
    CoursePage,
    Form,
    FormEntry,
    FormField,
    LearningIntegration,
    Payment,
    QuizQuestion,
    WebhookReceipt,
)
from webapp.models.base import utcnow
from webapp.models.certifications import Certification, CertificationForm, CertificationGroup
from webapp.models.entities import Entity, EntityAttachment, EntityRecord, EntityRequirement, certification_clients
from webapp.models.job_locations import job_location_certifications, job_location_workers
from webapp.models.imports import ImportJob
from webapp.models.operations import (
    AuditEntry,
    DataVersion,
    Notice,
    ScheduledReport,
    ScheduledReportRun,
    Setting,
    SharedReport,
)
from webapp.models.people import (
    Company,
    ModuleLevel,
    ModuleLevelPermission,
    Tag,
    User,
    UserPhoto,
    UserSession,
    new_token,
    people_by_name,
)
from webapp.models.push import PushDelivery, PushSubscription
from webapp.models.records import Attachment, Certificate, Comment, StoredFile, Submission
from webapp.models.roles import (
    CertificationRole,
    CompanyRole,
    CompetencyCertificate,
    CompetencyFile,
    DirectRequirement,
    RequirementSetting,
    RoleAssignment,
    RoleRequirement,
)

# SQLite hands out the highest id again once its row is deleted; AUTOINCREMENT never reuses one, so a
# deleted object's audit trail, notices, sessions and saved links cannot attach to a new object that
# happens to get its id (migration 0007 rebuilds existing SQLite tables this way). A table whose key is
# not a lone integer is left as it is by SQLite; PostgreSQL's sequences never reuse ids anyway.
for _table in db.metadata.tables.values():
    _table.dialect_kwargs["sqlite_autoincrement"] = True

__all__ = [
    "Acknowledgement", "ActivityDocument", "Attachment", "AuditEntry", "Certificate", "Certification",
    "CertificationForm", "CertificationGroup", "CertificationRole", "Comment", "CompetencyCertificate", "CompetencyFile",
    "Company", "CompanyRole", "Course", "CoursePage", "DataVersion", "DirectRequirement", "Entity", "EntityAttachment",
    "EntityRecord", "EntityRequirement", "Form", "FormEntry", "FormField", "ImportJob", "LearningIntegration", "ModuleLevel",
    "ModuleLevelPermission", "Notice", "Payment", "PushDelivery", "PushSubscription", "QuizQuestion",
    "RequirementSetting", "RoleAssignment", "RoleRequirement", "ScheduledReport", "ScheduledReportRun", "Setting",
    "SharedReport", "StoredFile", "Submission", "Tag", "User", "UserPhoto", "UserSession", "WebhookReceipt",
    "certification_clients", "job_location_certifications", "job_location_workers", "new_token", "people_by_name", "utcnow",
]
