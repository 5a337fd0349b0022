"""The iCalendar feed of validating group meetings a validator subscribes to."""

from datetime import datetime, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.urls import reverse

from .models import Meeting

LONDON = ZoneInfo("Europe/London")


def meetings_calendar(meetings, *, name: str) -> bytes:
    """An iCalendar document with one event per meeting (times in Europe/London)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.COUNCIL_NAME}//{settings.SERVICE_NAME}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    host = urlparse(settings.SITE_URL).hostname or "localhost"
    length = timedelta(minutes=settings.MEETING_DEFAULT_LENGTH_MINUTES)
    for meeting in meetings:
        starts = datetime.combine(meeting.date, meeting.starts_at, tzinfo=LONDON)
        event = icalendar.Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("summary", f"Validating group meeting ({meeting.get_half_term_display() or 'extra'})")
        event.add("dtstamp", meeting.updated_at)
        event.add("last-modified", meeting.updated_at)
        event.add("dtstart", starts)
        event.add("dtend", starts + length)
        if meeting.location:
            event.add("location", meeting.location)
        event.add("url", meeting.online_link or settings.SITE_URL + reverse("validation:meetings"))
        description = [
            f"Submission cut-off: {meeting.submission_cutoff:%A} {meeting.submission_cutoff.day} "
            f"{meeting.submission_cutoff:%B %Y}."
        ]
        if meeting.online_link:
            description.append(f"Join online: {meeting.online_link}")
        event.add("description", "\n".join(description))
        event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
