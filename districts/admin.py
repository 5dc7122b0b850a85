from django.contrib import admin

from .forms import AdminLoginForm, DistrictAdminForm
from .models import CivilServant, District, Holiday, ScheduleEntry, WorkUnit

# The admin's login is throttled like the portal's (districts.ratelimit).
admin.site.login_form = AdminLoginForm


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    form = DistrictAdminForm
    list_display = ["name", "level", "parent_city", "province", "bps_code", "time_zone"]
    list_filter = ["level", "province", "time_zone"]
    search_fields = ["name", "bps_code", "parent_city"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["hr_staff"]


@admin.register(WorkUnit)
class WorkUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "district", "parent", "works_in_shifts"]
    list_filter = ["district", "kind", "works_in_shifts"]
    search_fields = ["name", "code"]
    list_select_related = ["district", "parent"]
    autocomplete_fields = ["parent"]


@admin.register(CivilServant)
class CivilServantAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "nip",
        "asn_type",
        "rank",
        "position_title",
        "work_unit",
        "district",
        "supervisor",
        "is_active",
    ]
    list_filter = ["district", "asn_type", "position_type", "gender", "is_active"]
    search_fields = ["nip", "name", "position_title"]
    list_select_related = ["work_unit", "district", "supervisor"]
    autocomplete_fields = ["user", "work_unit", "supervisor"]


@admin.register(ScheduleEntry)
class ScheduleEntryAdmin(admin.ModelAdmin):
    list_display = ["civil_servant", "kind", "leave_type", "start", "end", "source"]
    list_filter = ["kind", "leave_type", "source", "civil_servant__district"]
    search_fields = ["civil_servant__nip", "civil_servant__name", "note"]
    list_select_related = ["civil_servant"]
    autocomplete_fields = ["civil_servant"]
    date_hierarchy = "start"


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name"]
    date_hierarchy = "date"
