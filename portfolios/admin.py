"""Read-mostly views for support staff (superusers). State changes go through the portal's services."""

from django.contrib import admin

from .models import Application, ApplicationTransition, CriteriaSet, Criterion, CriterionResponse, EvidenceItem


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["number", "short_title", "title"]


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "is_current", "introduced_on"]
    inlines = [CriterionInline]


@admin.register(EvidenceItem)
class EvidenceItemAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "kind", "produced_on", "stale_from", "size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["title", "original_name", "school__name", "school__urn", "sha256"]
    readonly_fields = ["file", "original_name", "size", "sha256", "content_type", "stale_from", "uploaded_by"]
    raw_id_fields = ["school"]


class TransitionInline(admin.TabularInline):
    model = ApplicationTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "actor", "note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class ResponseInline(admin.TabularInline):
    model = CriterionResponse
    extra = 0
    can_delete = False
    fields = ["criterion", "status", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["school", "kind", "state", "submitted_at", "meeting_date", "decided_on"]
    list_filter = ["state", "kind", "is_hard_copy"]
    search_fields = ["school__name", "school__urn"]
    # The state machine owns these: support staff must not bypass it.
    readonly_fields = [
        "state",
        "submitted_at",
        "first_submitted_at",
        "scheduled_at",
        "review_started_at",
        "decided_at",
        "withdrawn_at",
        "meeting_date",
        "decided_on",
    ]
    raw_id_fields = ["school", "previous", "created_by", "submitted_by"]
    inlines = [ResponseInline, TransitionInline]
