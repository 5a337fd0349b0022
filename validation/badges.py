"""The embeddable kite mark: an SVG and a PNG drawn from the award's public status on the day,
so the badge, the verification page and the register never disagree."""

import io
from xml.sax.saxutils import escape

from django.conf import settings

COLOURS = {"current": "#00703c", "expired": "#505a5f", "withdrawn": "#d4351c", "not_started": "#1d70b8"}
WIDTH, HEIGHT = 300, 96


def badge_lines(status) -> tuple[str, str, str]:
    """(title, status line, alt text) for a PublicStatus."""
    award = status.in_force or status.award
    title = "Anti-bullying accredited"
    if status.state == "current":
        line = f"Current to {award.last_day:%-d %b %Y}"
    elif status.state == "withdrawn":
        line = "Withdrawn by the council"
    elif status.state == "not_started":
        line = f"From {award.awarded_on:%-d %b %Y}"
    else:
        line = f"Expired {status.award.expires_on:%-d %b %Y}"
    who = f"{settings.COUNCIL_NAME} anti-bullying accreditation for {status.award.school.name}"
    alt = f"{who}: {line.lower()}"
    if status.state == "current":
        alt = f"{who}: current until {award.last_day:%-d %B %Y}"
    return title, line, alt


def badge_svg(status) -> str:
    title, line, alt = badge_lines(status)
    colour = COLOURS[status.state]
    council = escape(settings.COUNCIL_NAME)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="badge-title">'
        f'<title id="badge-title">{escape(alt)}</title>'
        f'<rect x="1" y="1" width="{WIDTH - 2}" height="{HEIGHT - 2}" rx="8" fill="#ffffff" '
        f'stroke="{colour}" stroke-width="2"/>'
        f'<rect x="1" y="1" width="14" height="{HEIGHT - 2}" rx="4" fill="{colour}"/>'
        f'<text x="28" y="28" font-family="Arial, Helvetica, sans-serif" font-size="13" fill="#0b0c0c">{council}</text>'
        f'<text x="28" y="52" font-family="Arial, Helvetica, sans-serif" font-size="17" font-weight="bold" '
        f'fill="#0b0c0c">{escape(title)}</text>'
        f'<text x="28" y="78" font-family="Arial, Helvetica, sans-serif" font-size="15" font-weight="bold" '
        f'fill="{colour}">{escape(line)}</text>'
        "</svg>"
    )


def badge_png(status) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    title, line, _ = badge_lines(status)
    colour = COLOURS[status.state]
    scale = 2  # crisp on high-density screens
    image = Image.new("RGB", (WIDTH * scale, HEIGHT * scale), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((1, 1, WIDTH * scale - 2, HEIGHT * scale - 2), radius=16, outline=colour, width=4)
    draw.rectangle((2, 2, 28, HEIGHT * scale - 3), fill=colour)

    def font(size, bold=False):
        for name in ("LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf", "DejaVuSans.ttf"):
            try:
                return ImageFont.truetype(name, size * scale)
            except OSError:
                continue
        return ImageFont.load_default(size * scale)

    draw.text((56, 14 * scale), settings.COUNCIL_NAME, fill="#0b0c0c", font=font(13))
    draw.text((56, 36 * scale), title, fill="#0b0c0c", font=font(17, bold=True))
    draw.text((56, 62 * scale), line, fill=colour, font=font(15, bold=True))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
