"""Every kind of file FieldCert imports and exports, by the name its pages use."""
from webapp.services.imports import ImportKind

IMPORT_KINDS: dict[str, ImportKind] = {kind.name: kind for kind in ()}
