"""The portal's authentication backend: Django's ModelBackend, loading the signed-in person on each
request together with what the second-factor gate asks of them (issue 20).

Every signed-in page used to spend three queries after loading the person: is this a validator,
has this person a TOTP device, a static (recovery-code) device. They are now `EXISTS` columns of
the one query that loads the person. The answers describe the start of the request, which is what
`SecondFactorMiddleware` needs; views that change devices ask `has_second_factor` afresh.

Building that query through the ORM cost more than running it (about 1.5 ms of Python on every
signed-in request, measured with `benchmarks/profile_pages.py`), so its SQL is compiled once per
process (`accreditation.compiled`) and run with the person's id as its one changing value.
"""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django_otp import device_classes

from .compiled import CompiledQuery, attnames
from .permissions import HAS_DEVICE_ATTRIBUTE, second_factor_annotations


def _has_confirmed_device():
    """True when any of django-otp's installed device models holds a confirmed device for the
    person (the question `django_otp.user_has_device(user, confirmed=True)` answers)."""
    expression = None
    for model in device_classes():
        exists = Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True))
        expression = exists if expression is None else expression | exists
    return expression


def _annotations():
    annotations = {name: make() for name, make in second_factor_annotations().items()}
    device = _has_confirmed_device()
    if device is not None:
        annotations[HAS_DEVICE_ATTRIBUTE] = device
    return annotations


class PortalModelBackend(ModelBackend):
    # The person with the gate's answers, compiled on first use (the annotations are registered by
    # the apps' ready(), after this module is imported).
    _query = None

    @classmethod
    def _person(cls):
        if cls._query is None:
            model = get_user_model()
            fields = attnames(model)
            names = tuple(_annotations())

            def build(user_id):
                return model._default_manager.annotate(**_annotations()).filter(pk=user_id).values_list(*fields, *names)

            cls._query = (CompiledQuery(build), fields, names)
        return cls._query

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user_id = model._meta.pk.to_python(user_id)
        except ValidationError:  # a malformed id in a session is nobody, as in ModelBackend
            return None
        if user_id is None or not 0 < int(user_id) <= 2**63 - 1:
            return None  # no row can have it (Django's lookups find nothing; raw SQL would fail)
        query, fields, names = self._person()
        found = query.rows(user_id)
        if not found:
            return None
        row = found[0]
        user = model.from_db("default", fields, row[: len(fields)])
        for name, value in zip(names, row[len(fields) :], strict=True):
            setattr(user, name, bool(value))
        if not hasattr(user, HAS_DEVICE_ATTRIBUTE):
            setattr(user, HAS_DEVICE_ATTRIBUTE, False)
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)
