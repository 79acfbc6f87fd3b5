# Reference data only: contacts are records about people and never appear in the admin.
from django.contrib import admin

from .models import ResponseTarget


@admin.register(ResponseTarget)
class ResponseTargetAdmin(admin.ModelAdmin):
    list_display = ("urgency", "amount", "unit")
