"""What the card says: its number, the expiry printed on it and photos of its front and back,
taken with a submission and kept on the record (rules decision 34)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.models import Attachment, Certification, Submission, User
from webapp.models.records import CARD_SIDES
from webapp.services.photos import PhotoInvalid, encode_photo
from webapp.services.storage import CheckedUpload, UploadError, check_upload, store_file

# Large enough to read the small print of a licence, small enough for a phone on poor signal.
CARD_PHOTO_MAX_SIDE = 1600
CARD_NUMBER_MAX = 100
ISSUER_MAX = 200
SUGGESTED_ISSUERS = 10


@dataclass(frozen=True)
class CardDetails:
    """The card's number, the expiry printed on it, and the uploads of its front and back photos."""

    number: str | None = None
    printed_expiration: date | None = None
    front: FileStorage | None = None
    back: FileStorage | None = None


NO_CARD = CardDetails()


def _chosen(upload: FileStorage | None) -> bool:
    return isinstance(upload, FileStorage) and bool(upload.filename)


def check_card(card: CardDetails, completed_on: date,
               issuer: str | None) -> tuple[list[tuple[str, CheckedUpload]], dict[str, list[str]]]:
    """Check what the card says before anything is stored: ((side, photo re-encoded as JPEG), front
    first; errors by form field). Photos pass the upload checks (size,
    type by content), then are re-encoded without metadata, as person photos are."""
    errors: dict[str, list[str]] = {}
    if issuer is not None and len(issuer.strip()) > ISSUER_MAX:
        errors["issuer"] = [_("The issuer can be at most %(count)s characters.", count=ISSUER_MAX)]
    number = (card.number or "").strip()
    if len(number) > CARD_NUMBER_MAX:
        errors["card_number"] = [_("The card number can be at most %(count)s characters.", count=CARD_NUMBER_MAX)]
    elif "\n" in number or "\r" in number:
        errors["card_number"] = [_("The card number must be on one line.")]
    if card.printed_expiration is not None and card.printed_expiration < completed_on:
        errors["printed_expiration"] = [_("The expiry printed on the card cannot be before the completion date.")]
    photos = []
    for side, upload in zip(CARD_SIDES, (card.front, card.back)):
        if not _chosen(upload):
            continue
        try:
            checked = check_upload(upload)
            jpeg = encode_photo(checked.data, CARD_PHOTO_MAX_SIDE)
        except UploadError as error:
            errors[f"card_{side}"] = [str(error)]
        except PhotoInvalid:
            errors[f"card_{side}"] = [_("The front of the card must be a photo: a JPEG, PNG, WebP or GIF image.") if side == "front"
                                      else _("The back of the card must be a photo: a JPEG, PNG, WebP or GIF image.")]
        else:
            photos.append((side, CheckedUpload(data=jpeg, content_type="image/jpeg", name=f"card-{side}.jpg")))
    return photos, errors


def card_attachments(photos: list[tuple[str, CheckedUpload]], by: User) -> list[Attachment]:
    """Store the checked card photos and make their attachments."""
    return [
        Attachment(kind="file", stored_file=store_file(photo), name=photo.name, card_side=side, added_by_id=by.id)
        for side, photo in photos
    ]


def card_number_of(card: CardDetails) -> str | None:
    return (card.number or "").strip() or None


def issuer_suggestions(certification: Certification | None) -> list[str]:
    """The certification's issuer, then the issuers its records named most recently (one query)."""
    if certification is None:
        return []
    named = db.session.scalars(
        select(Submission.issuer)
        .where(Submission.certification_id == certification.id, Submission.issuer.is_not(None))
        .group_by(Submission.issuer)
        .order_by(db.func.max(Submission.id).desc())
        .limit(SUGGESTED_ISSUERS)
    )
    suggestions = [certification.issuer] if certification.issuer else []
    return suggestions + [issuer for issuer in named if issuer not in suggestions]
