"""The commitments counted by the council's indicators: one key, a label and the rows that have it."""

from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Commitment:
    key: str
    label: str
    condition: Q


COMMITMENTS = {
    c.key: c
    for c in (
        Commitment("charter", "Signed the council's anti-bullying charter", Q(charter_signed_on__isnull=False)),
        Commitment("governor", "Named governor for anti-bullying", ~Q(governor_name="")),
        Commitment("esafety_lead", "Named e-safety lead", ~Q(esafety_lead="")),
        Commitment("restorative", "Restorative approaches in use", Q(restorative_approaches=True)),
        Commitment("termly_return", "Uses the termly incident return", Q(uses_termly_return=True)),
    )
}


def commitment_choices():
    return [(c.key, c.label) for c in COMMITMENTS.values()]
