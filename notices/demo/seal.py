"""The demo issuer's seal, drawn at seed time: a red ring, a star, the issuer's name round
the top and a large 演示 across the lower half, so that no demo notice can pass for a real
one. Never a real seal: a real issuer's seal is scanned and uploaded in the admin."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw

from casework.demo.fonts import chinese_font as _font

SIZE = 600  # px: 42 mm on paper, about 360 dpi
RED = (200, 16, 32, 185)  # a little translucent: the name and date under it stay legible
DEMO_MARK = "演示"
FOOTNOTE = "DEMO · 非真实印章"


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, outer: float) -> None:
    inner = outer * 0.382  # a regular five-pointed star
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 36)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=RED)


def _arc_text(image: Image.Image, text: str, *, radius: float, size: int, span: float) -> None:
    """`text` upright round the top of the circle, left to right, over `span` degrees."""
    font, centre = _font(size), image.width / 2
    for i, char in enumerate(text):
        angle = -90 - span / 2 + span * (i + 0.5) / len(text)
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size, size), char, font=font, fill=RED, anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.BICUBIC)
        x = centre + radius * math.cos(math.radians(angle)) - size
        y = centre + radius * math.sin(math.radians(angle)) - size
        image.alpha_composite(glyph, (round(x), round(y)))


def demo_seal_png(issuer_name: str) -> bytes:
    """A PNG (transparent background) of the demo seal of `issuer_name`."""
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = SIZE / 2
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), outline=RED, width=18)
    span = min(250, 26 * len(issuer_name) + 40)
    _arc_text(image, issuer_name, radius=SIZE / 2 - 78, size=64, span=span)
    _star(draw, centre, centre - 40, 78)
    draw.text((centre, centre + 98), DEMO_MARK, font=_font(128), fill=RED, anchor="mm")
    draw.text((centre, centre + 196), FOOTNOTE, font=_font(30), fill=RED, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
