"""Product pictures and the shop logo, drawn with Pillow (the demo downloads nothing).

A product card is a soft colour field with a simple drawing of its category (a cup, a leaf,
a maple leaf, a jar, a chocolate bar, a soap, a bowl) and the product's initials.
"""

import io

from PIL import Image, ImageColor, ImageDraw, ImageFont

SIZE = 600
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
)


def _font(size: int):
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _mix(colour: tuple, other: tuple, share: float) -> tuple:
    return tuple(round(a + (b - a) * share) for a, b in zip(colour, other, strict=True))


def initials(name: str) -> str:
    words = [w for w in name.replace("'", " ").replace("-", " ").split() if len(w) > 2 or w.isdigit()]
    return "".join(w[0] for w in words[:2]).upper() or name[:2].upper()


# Right half of a maple leaf, clockwise from the top tip, in a box from -1 to 1 (y down);
# the left half is its mirror image.
_MAPLE_RIGHT = ((0.0, -1.0), (0.13, -0.7), (0.3, -0.78), (0.24, -0.4), (0.5, -0.62), (0.56, -0.48),
                (0.82, -0.52), (0.72, -0.24), (0.88, -0.16), (0.48, 0.14), (0.54, 0.3), (0.08, 0.24),
                (0.05, 0.62))


def _maple_leaf(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    half = list(_MAPLE_RIGHT)
    outline = half + [(-x, y) for x, y in reversed(half[1:])]
    return [(cx + r * x, cy + r * y) for x, y in outline]


def _draw_icon(draw: ImageDraw.ImageDraw, icon: str, ink: tuple) -> None:
    c = SIZE // 2
    if icon == "cup":
        draw.rounded_rectangle((c - 110, c - 150, c + 70, c + 10), radius=30, fill=ink)
        draw.ellipse((c + 40, c - 120, c + 130, c - 30), outline=ink, width=22)
        draw.rounded_rectangle((c - 150, c + 20, c + 110, c + 40), radius=10, fill=ink)
    elif icon == "leaf":
        draw.ellipse((c - 150, c - 170, c + 150, c + 30), fill=ink)
        draw.line((c - 120, c + 10, c + 120, c - 150), fill=_mix(ink, (255, 255, 255), 0.5), width=8)
    elif icon == "maple":
        draw.polygon(_maple_leaf(c, c - 60, 150), fill=ink)
    elif icon == "jar":
        draw.rounded_rectangle((c - 100, c - 150, c + 100, c + 40), radius=36, fill=ink)
        draw.rectangle((c - 110, c - 190, c + 110, c - 150), fill=_mix(ink, (0, 0, 0), 0.3))
    elif icon == "bar":
        draw.rounded_rectangle((c - 150, c - 170, c + 150, c + 30), radius=14, fill=ink)
        light = _mix(ink, (255, 255, 255), 0.25)
        for x in range(c - 140, c + 140, 70):
            for y in range(c - 160, c + 20, 65):
                draw.rounded_rectangle((x + 6, y + 6, x + 62, y + 56), radius=8, outline=light, width=5)
    elif icon == "soap":
        draw.rounded_rectangle((c - 140, c - 120, c + 140, c + 30), radius=60, fill=ink)
        for x, y, r in ((c - 90, c - 160, 22), (c - 40, c - 185, 14), (c + 60, c - 170, 18)):
            draw.ellipse((x - r, y - r, x + r, y + r), outline=ink, width=6)
    else:  # bowl
        draw.chord((c - 160, c - 230, c + 160, c + 30), start=0, end=180, fill=ink)
        draw.rounded_rectangle((c - 60, c + 20, c + 60, c + 45), radius=8, fill=ink)


def product_card(name: str, colour: str, icon: str) -> bytes:
    """A 600×600 PNG for a product of the category drawn by ``icon``, in ``colour``."""
    ink = ImageColor.getrgb(colour)
    image = Image.new("RGB", (SIZE, SIZE), _mix(ink, (255, 255, 255), 0.82))
    draw = ImageDraw.Draw(image)
    frame = _mix(ink, (255, 255, 255), 0.55)
    draw.rounded_rectangle((24, 24, SIZE - 24, SIZE - 24), radius=40, outline=frame, width=6)
    _draw_icon(draw, icon, ink)
    draw.text((SIZE // 2, SIZE - 130), initials(name), font=_font(110), fill=ink, anchor="mm")
    return _png(image)


def logo(trade_name: str, colour: str = "#8a4b2a") -> bytes:
    """The shop's logo: a round badge with a maple leaf and the shop's initials, beside its name."""
    ink = ImageColor.getrgb(colour)
    name_font = _font(52)
    width = 300 + round(ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength(trade_name, font=name_font))
    image = Image.new("RGB", (width, 260), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 240, 240), fill=ink)
    draw.polygon(_maple_leaf(130, 100, 62), fill=(255, 255, 255))
    draw.text((130, 195), initials(trade_name), font=_font(44), fill=(255, 255, 255), anchor="mm")
    draw.text((270, 130), trade_name, font=name_font, fill=ink, anchor="lm")
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)  # quick: 43 pictures at each fresh load
    return buffer.getvalue()
