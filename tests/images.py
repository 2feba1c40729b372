"""Image files for upload tests: plain ones, and a phone photo carrying metadata that must not be kept."""
import io

from PIL import Image


def image_bytes(size=(800, 600), fmt="PNG", colour=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_location(size=(1200, 900)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Co"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    return image_bytes(size, "JPEG", exif=exif)
