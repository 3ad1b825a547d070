"""Forms of « Rapprochement bancaire »: importing a statement, a bank's CSV columns."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.banking.models import CsvMapping, StatementImport

MAX_FILE_SIZE = 10 * 1024 * 1024


class StatementImportForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    kind = forms.ChoiceField(label=_("Kind of file"), choices=StatementImport.Kind.choices)
    file = forms.FileField(label=pgettext_lazy("statement", "File"), required=False,
                           help_text=_("OFX or QFX statement, CSV export, or the notification email (.eml)."))
    mapping = forms.ModelChoiceField(label=_("Bank (CSV columns)"), queryset=CsvMapping.objects.all(),
                                     required=False, empty_label=_("Choose the bank"))
    pasted = forms.CharField(label=_("Or paste the Interac notification"), required=False,
                             widget=forms.Textarea(attrs={"rows": 5}), max_length=200_000)

    def clean(self):
        data = super().clean()
        upload, pasted = data.get("file"), (data.get("pasted") or "").strip()
        if upload is not None and upload.size > MAX_FILE_SIZE:
            self.add_error("file", _("This file is too large (10 MB at most)."))
        elif upload is None and not pasted:
            self.add_error("file", _("Choose a file to import."))
        elif upload is None and data.get("kind") != StatementImport.Kind.INTERAC:
            self.add_error("pasted", _("Only an Interac notification can be pasted: choose a file."))
        if data.get("kind") == StatementImport.Kind.CSV and not data.get("mapping"):
            self.add_error("mapping", _("Choose the bank whose CSV columns to use."))
        return data

    def content(self) -> tuple[bytes, str]:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.read(), upload.name
        return self.cleaned_data["pasted"].encode(), ""


class CsvMappingForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    class Meta:
        model = CsvMapping
        fields = ["name", "date_column", "description_column", "amount_column", "reference_column",
                  "delimiter", "decimal_comma", "date_format"]
        labels = {
            "name": _("Bank"), "date_column": _("Date column"),
            "description_column": _("Description column"), "amount_column": _("Amount column"),
            "reference_column": _("Reference column (optional)"), "delimiter": _("Delimiter"),
            "decimal_comma": _("Amounts with a decimal comma (12,50)"), "date_format": _("Date format"),
        }
        help_texts = {"date_column": _("The column's name as the first line of the file gives it.")}


class ConfirmLineForm(forms.Form):
    invoice = forms.IntegerField(label=_("Invoice number"), min_value=1)
    confirm_overpayment = forms.BooleanField(label=_("Confirm the overpayment"), required=False)
