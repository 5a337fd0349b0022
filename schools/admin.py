"""Django's admin is for support staff (superusers); H&W admins use the portal's own pages."""

from django.contrib import admin

from .models import EligibilityRule, Inspection, Membership, Registration, School, WelcomePackResource


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "urn", "la_code", "status", "eligibility", "from_register"]
    list_filter = ["eligibility", "from_register", "la_code"]
    search_fields = ["name", "=urn"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["school_name", "urn", "lead_email", "status", "submitted_at"]
    list_filter = ["status", "entered_by_hand"]
    search_fields = ["school_name", "=urn", "lead_email"]
    raw_id_fields = ["school", "decided_by"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["user", "school"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["school", "inspected_on", "rule", "judgement", "safeguarding"]
    raw_id_fields = ["school", "recorded_by"]


admin.site.register(EligibilityRule)
admin.site.register(WelcomePackResource)
