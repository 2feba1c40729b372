"""A person's photo: re-encoded on upload, so what is kept holds no metadata (location, camera) and
no payload a browser might run, whatever was sent."""
from __future__ import annotations

import io
import warnings

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import User, UserPhoto
from webapp.rules.languages import N_
from webapp.services.audit import record_audit
from webapp.services.invalid import Invalid

PHOTO_MAX_SIDE = 512
PHOTO_MEDIA_TYPE = "image/jpeg"
# What a file chooser offers; anything else Pillow opens is accepted too, and re-encoded alike.
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
# A phone photo is about 12 million pixels; far more is a decompression bomb, not a portrait.
PHOTO_MAX_PIXELS = 50_000_000
_NOT_AN_IMAGE = N_("Choose a photo: a JPEG, PNG, WebP or GIF image.")  # translated where raised


class PhotoInvalid(Invalid):
    """A photo refused: not an image, or one too large to open safely."""


def encode_photo(data: bytes, max_side: int = PHOTO_MAX_SIDE) -> bytes:
    """`data` as a JPEG of at most `max_side` pixels a side, turned upright, with no metadata.

    Raises PhotoInvalid for anything that is not an image, or that would open to too many pixels.
    """
    too_large = PhotoInvalid({"photo": _("This image is too large; choose one under 50 megapixels.")})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                # Checked before the pixels are decoded: the header alone tells the size.
                if image.width * image.height > PHOTO_MAX_PIXELS:
                    raise too_large
                image.load()
                upright = ImageOps.exif_transpose(image)
    except PhotoInvalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise PhotoInvalid({"photo": _(_NOT_AN_IMAGE)}) from None
    upright = upright.convert("RGB")
    upright.thumbnail((max_side, max_side))
    out = io.BytesIO()
    # A new image from the pixels alone: no EXIF, ICC or comments are carried over.
    Image.frombytes("RGB", upright.size, upright.tobytes()).save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def keep_photo(user: User, by: User, content: bytes) -> None:
    """Give `user` the photo `content` (from encode_photo) in the current transaction; the caller commits."""
    if user.photo is None:
        user.photo = UserPhoto(media_type=PHOTO_MEDIA_TYPE, content=content)
    else:
        user.photo.media_type, user.photo.content = PHOTO_MEDIA_TYPE, content
    record_audit(by, "user.photo", user, f"Changed the photo of {user.full_name}")


def has_photo(user: User) -> bool:
    """Whether `user` has a photo on file (without loading it)."""
    return db.session.scalar(select(UserPhoto.user_id).where(UserPhoto.user_id == user.id)) is not None


def qr_photo(token: str, shown: bool) -> UserPhoto | None:
    """The photo of the active person whose QR code holds `token`, when photos are `shown` on QR
    reports (Module Settings); None otherwise, so a QR code tells no more than its report."""
    if not shown:
        return None
    return db.session.scalar(
        select(UserPhoto).join(User, User.id == UserPhoto.user_id).where(User.qr_token == token, User.active.is_(True)))
