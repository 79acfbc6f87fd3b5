from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ReleaseKind
from .tables import regions

FIRST_YEAR = 2000


def _years() -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    return [(y, str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]


class DashboardForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_years)
    region = forms.ChoiceField(label=_("Region"), required=False)
    exact = forms.BooleanField(label=_("Exact operational counts (coordinators; every case, not rounded)"),
                               required=False)

    def __init__(self, *args, allow_exact: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions")), *[(code, str(label)) for code, label in regions()]]
        if not allow_exact:
            del self.fields["exact"]


class ReleaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReleaseKind.choices)
    period = forms.TypedChoiceField(label=_("Year of the release"), coerce=int, choices=_years)
    epsilon = forms.FloatField(label=_("ε (differential privacy; optional, aggregate and annual only)"),
                               required=False)
