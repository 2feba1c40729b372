"""Every kind of file FieldCert imports and exports, by the name its pages use."""
from webapp.services.assignment_import import ASSIGNMENTS
from webapp.services.certification_imports import CERTIFICATIONS
from webapp.services.entity_import import ENTITIES, ENTITY_RECORDS, JOB_LOCATION_SITES
from webapp.services.imports import ImportKind
from webapp.services.people_import import PEOPLE
from webapp.services.record_import import RECORDS
from webapp.services.requirement_import import PERSON_REQUIREMENTS
from webapp.services.status_exports import INSTANCES, REQUIREMENTS

IMPORT_KINDS: dict[str, ImportKind] = {kind.name: kind for kind in (
    PEOPLE,
    CERTIFICATIONS,
    ASSIGNMENTS,
    PERSON_REQUIREMENTS,
    RECORDS,
    ENTITIES,
    ENTITY_RECORDS,
    JOB_LOCATION_SITES,
    REQUIREMENTS,
    INSTANCES,
)}
