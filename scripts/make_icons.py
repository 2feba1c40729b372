"""Draw the app icons (a white check mark on the brand blue) as PNGs, with nothing but the standard library.

Run from the project root when the design changes: `python scripts/make_icons.py`.
"Maskable" icons keep the mark inside the central 80% safe zone, since launchers crop them to any shape.
"""
import struct
import zlib
from pathlib import Path

BRAND = (11, 92, 173)
WHITE = (255, 255, 255)
# The check mark as two strokes, in units of the icon's width.
STROKES = (((0.27, 0.52), (0.43, 0.68)), ((0.43, 0.68), (0.74, 0.34)))
STROKE_WIDTH = 0.09
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def _distance_to_segment(px, py, a, b):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def _pixel(x, y, size, scale, rounded):
    u, v = (x + 0.5) / size, (y + 0.5) / size
    if rounded:
        corner = 0.18
        cx, cy = min(max(u, corner), 1 - corner), min(max(v, corner), 1 - corner)
        if (u - cx) ** 2 + (v - cy) ** 2 > corner**2:
            return (0, 0, 0, 0)
    # Maskable icons shrink the mark towards the centre.
    mu, mv = 0.5 + (u - 0.5) * scale, 0.5 + (v - 0.5) * scale
    if min(_distance_to_segment(mu, mv, a, b) for a, b in STROKES) <= STROKE_WIDTH / 2:
        return (*WHITE, 255)
    return (*BRAND, 255)


def _png(size, scale, rounded) -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(_pixel(x, y, size, scale, rounded)) for x in range(size)) for y in range(size)
    )

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(_png(size, 1.0, rounded=True))
        (OUT / f"maskable-{size}.png").write_bytes(_png(size, 1.25, rounded=False))


if __name__ == "__main__":
    main()
