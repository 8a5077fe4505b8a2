from django import forms

from .models import Subscription


class SubscribeForm(forms.Form):
    """The form of subscriptions/_form.html: nothing in it is personal, so the cached page that
    carries it is the same for everyone (see subscriptions.views.subscribe)."""

    email = forms.EmailField(label="Email", max_length=254)
    list = forms.CharField(max_length=220, widget=forms.HiddenInput)
    frequency = forms.ChoiceField(
        choices=Subscription.Frequency.choices, initial=Subscription.Frequency.EACH, required=False
    )
    honeypot = forms.CharField(required=False, label="Leave this field empty")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_frequency(self):
        return self.cleaned_data.get("frequency") or Subscription.Frequency.EACH


class EmailForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
