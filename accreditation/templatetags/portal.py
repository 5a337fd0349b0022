"""Template tags of the portal's own.

`{% rendered_once %}…{% endrendered_once %}` (issue 20, "a cheap floor"): the parts of every page
that are the same on every request of a running portal (the head's links, the header, the phase
banner, the footer) are drawn once per process and reused, instead of walking their nodes, reversing
their URLs and looking up their hashed static names on every request. The block sees nothing of
the page's context but the service's names (`SERVICE_NAME`, `COUNCIL_NAME`, `HW_TEAM_EMAIL`), so
nothing about the person or the request can be drawn into it and shown to someone else: `{{ user }}`
inside one draws nothing. `{% url %}` and `{% static %}` work as anywhere. Any settings change (tests'
`override_settings`) and another script prefix draw it afresh.
"""

import itertools

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix

register = template.Library()

_generation = itertools.count()
_current = [next(_generation)]


def _settings_changed(**kwargs):
    _current[0] = next(_generation)
    _drawn.clear()


setting_changed.connect(_settings_changed, dispatch_uid="portal-rendered-once")


def service_names() -> dict:
    """What a rendered-once block may draw besides URLs and static files."""
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "HW_TEAM_EMAIL": settings.HW_TEAM_EMAIL,
    }


_drawn: dict = {}


def drawn_once(name: str, draw):
    """`draw()` (what depends on nothing but the code and settings: HTML such as an empty form's
    fields, or a header's text) called once per process under `name`, and its answer reused:
    `{% rendered_once %}` for what a view or middleware draws."""
    key = (name, _current[0], get_script_prefix())
    drawn = _drawn.get(key)
    if drawn is None:
        drawn = _drawn[key] = draw()
    return drawn


class RenderedOnceNode(template.Node):
    # The block's nodes are kept under a name the template engine does not walk (Node's
    # `child_nodelists`), so `{% extends %}` no longer visits them on every request either; a
    # `{% block %}` inside one would be ignored, and the tag refuses one when it is parsed.
    child_nodelists = ()

    def __init__(self, body):
        self.body = body
        self.drawn = {}

    def render(self, context):
        key = (_current[0], get_script_prefix(), context.autoescape)
        drawn = self.drawn.get(key)
        if drawn is None:
            drawn = self.body.render(context.new(service_names()))
            self.drawn = {key: drawn}  # only the newest: a settings change leaves nothing behind
        return drawn


@register.tag
def rendered_once(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% rendered_once %} takes no arguments")
    body = parser.parse(("endrendered_once",))
    parser.delete_first_token()
    if body.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("{% rendered_once %} cannot hold a {% block %}")
    return RenderedOnceNode(body)
