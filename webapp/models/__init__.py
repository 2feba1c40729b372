"""The data model; import models from here."""
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
from webapp.models.certifications import Certification, CertificationGroup
from webapp.models.operations import AuditEntry, Notice, Setting, SharedReport
from webapp.models.people import Company, ModuleLevel, ModuleLevelPermission, Tag, User, UserSession, new_token
from webapp.models.records import Attachment, Certificate, Comment, StoredFile, Submission
from webapp.models.roles import CertificationRole, CompanyRole, DirectRequirement, RequirementSetting, RoleAssignment, RoleRequirement

__all__ = [
    "Acknowledgement", "ActivityDocument", "Attachment", "AuditEntry", "Certificate", "Certification", "CertificationGroup",
    "CertificationRole", "Comment", "Company", "CompanyRole", "Course", "CoursePage", "DirectRequirement", "Form",
    "FormEntry", "FormField", "LearningIntegration", "ModuleLevel", "ModuleLevelPermission", "Notice", "Payment",
    "QuizQuestion", "RequirementSetting", "RoleAssignment", "RoleRequirement", "Setting", "SharedReport",
    "StoredFile", "Submission", "Tag", "User", "UserSession", "WebhookReceipt", "new_token", "utcnow",
]
