"""Support admin for the core app. The audit trail is read-only here too, for superusers as well."""

from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "target_type", "target_label", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "target_label", "summary", "ip_address"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    # Append-only: nobody adds, changes or deletes an entry through any admin page.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
