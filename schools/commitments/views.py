from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from accreditation.errors import Refusal
from schools.selectors import school_for_viewer

from . import permissions, selectors, services
from .forms import CommitmentForm


@login_required
def commitments(request, urn):
    school = school_for_viewer(request.user, urn)
    if not permissions.can_view_commitments(request.user, school):
        raise PermissionDenied
    current = selectors.current_statement(school)
    initial = {}
    if current is not None:
        initial = {
            "charter_signed_on": current.charter_signed_on,
            "esafety_lead": current.esafety_lead,
            "restorative_approaches": current.restorative_approaches,
            "uses_termly_return": current.uses_termly_return,
        }
    form = CommitmentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_confirm(school=school, actor=request.user, **form.cleaned_data)
        except Refusal as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "The school's commitments are confirmed for the next 12 months.")
            return redirect("schools:commitments", urn=school.urn)
    today = timezone.localdate()
    context = {
        "school": school,
        "current": current,
        "due": selectors.is_due(current, today),
        "due_on": selectors.due_on(current) if current else None,
        "history": selectors.statement_history(school)[:10],
        "form": form,
        "can_confirm": permissions.can_confirm_commitments(request.user, school),
    }
    return render(request, "schools/commitments/commitments.html", context)
