from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from comptoir.merchant.models import ShopSettings


class StaffAccountForm(forms.Form):
    """A new back-office account: an owner (everything) or staff (orders, catalogue)."""

    username = forms.CharField(label=_("Username"), max_length=150,
                               validators=[UnicodeUsernameValidator()])
    email = forms.EmailField(label=_("Email"))
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password (again)"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect, initial="staff", choices=[
        ("staff", _("Staff: orders, invoices, customers, products and categories")),
        ("owner", _("Owner: everything, including the settings and the staff accounts")),
    ])

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            user = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class StaffTwoFactorForm(forms.ModelForm):
    """« Exiger la double authentification pour tout le personnel » (owners always need it)."""

    class Meta:
        model = ShopSettings
        fields = ["staff_two_factor_required"]
