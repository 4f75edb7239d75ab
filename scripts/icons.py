#!/usr/bin/env python3
"""Draws public/icons/*.png from the same shapes as public/favicon.svg (a teal square with a white
"C"), so the home-screen icons match the favicon. Standard library only; run from the repo root."""
import math
import struct
import zlib

TEAL = (0x22, 0x8E, 0x80)
WHITE = (255, 255, 255)
# The favicon's arc: centre, radius and half stroke width in its 64-unit box.
CX, CY, R, HALF = 32.2, 32.0, 14.0, 3.5
ENDS = [(42.0, 22.0), (42.0, 42.0)]
GAP = math.atan2(10.0, 9.8)  # the opening on the right, each side of the x axis


def in_glyph(x, y):
    angle = math.atan2(y - CY, x - CX)
    if abs(angle) >= GAP and abs(math.hypot(x - CX, y - CY) - R) <= HALF:
        return True
    return any(math.hypot(x - ex, y - ey) <= HALF for ex, ey in ENDS)


def in_square(x, y, radius):
    # A rounded square 0..64 with corner `radius` (0: full bleed).
    cx = min(max(x, radius), 64 - radius)
    cy = min(max(y, radius), 64 - radius)
    return math.hypot(x - cx, y - cy) <= radius


def draw(size, corner):
    samples = 3
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            bg = fg = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) * 64 / size
                    y = (py + (sy + 0.5) / samples) * 64 / size
                    if in_square(x, y, corner):
                        if in_glyph(x, y):
                            fg += 1
                        else:
                            bg += 1
            total = samples * samples
            alpha = (bg + fg) / total
            if alpha == 0:
                row += bytes(4)
                continue
            mix = fg / (bg + fg)
            rgb = [round(t + (w - t) * mix) for t, w in zip(TEAL, WHITE)]
            row += bytes(rgb + [round(alpha * 255)])
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


for name, size, corner in [
    ("icon-192.png", 192, 14),
    ("icon-512.png", 512, 14),
    # Full bleed: the platform cuts its own shape, and the glyph sits inside the safe circle.
    ("maskable-512.png", 512, 0),
    ("apple-touch-icon.png", 180, 0),
]:
    with open(f"public/icons/{name}", "wb") as f:
        f.write(draw(size, corner))
    print(name)
