"""Areas for future consideration: the decision's text, one area a line, becomes the rows the
school's action plan starts from (read by the decision service and the review selectors)."""

AREA_BULLETS = ("- ", "* ", "• ", "– ")


def split_areas(text: str) -> list[str]:
    """The areas for future consideration as rows: one a line, bullets and blank lines dropped."""
    rows = []
    for line in (text or "").splitlines():
        line = line.strip()
        for bullet in AREA_BULLETS:
            if line.startswith(bullet):
                line = line[len(bullet) :].strip()
        if line:
            rows.append(line)
    return rows
