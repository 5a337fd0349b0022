"""Primary pupils read the questions and the privacy note themselves: aim at a reading age of
about 9. Flesch-Kincaid grade (US school grade; reading age is about grade + 5) with a simple
syllable count: rough, but it catches a long sentence or a long word slipping in."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from portfolios.surveys.content import PRIMARY

MAX_GRADE = 4.5  # reading age about 9 to 10


def syllables(word):
    word = word.lower().strip("'’")
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", word)
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", word)))


def grade(text):
    sentences = [s for s in re.split(r"[.?!:]+", text) if s.strip()]
    words = re.findall(r"[A-Za-z'’]+", text)
    return 0.39 * len(words) / len(sentences) + 11.8 * sum(map(syllables, words)) / len(words) - 15.59


@pytest.mark.parametrize("question", PRIMARY["questions"], ids=lambda q: q["key"])
def test_primary_questions_read_at_about_age_nine(question):
    assert grade(f"{question['text']} {question['hint']}") <= MAX_GRADE


def test_primary_introduction_and_privacy_note_read_at_about_age_nine():
    assert grade(PRIMARY["introduction"]) <= MAX_GRADE
    note = strip_tags(render_to_string("surveys/pupil/_privacy.html", {"primary": True}))
    paragraphs = [p.strip() for p in note.split("\n") if len(p.strip().split()) > 6]
    assert len(paragraphs) >= 4
    for paragraph in paragraphs:
        assert grade(paragraph) <= MAX_GRADE, paragraph
