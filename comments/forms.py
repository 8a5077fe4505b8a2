import re
import unicodedata

from django import forms
from django.conf import settings
from django_comments_xtd.forms import XtdCommentForm

from .rendering import form_renderer

MARKDOWN_HINT = "Markdown works: *italic*, **bold**, `code`, > quotes, lists and [links](https://…)."


class CommentForm(XtdCommentForm):
    """xtd's signed form with labels a reader (and a browser test) can find.

    Drawn by comments.rendering.form_renderer (its widgets without the template engine)
    wherever it appears: under a post, on the reply page, after a refusal.
    """

    default_renderer = form_renderer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["name"].label = "Name"
        fields["name"].widget = forms.TextInput(attrs={"autocomplete": "name", "maxlength": 50})
        fields["email"].label = "Email"
        fields["email"].help_text = "Never shown. Used only for replies you ask for."
        fields["email"].widget = forms.EmailInput(attrs={"autocomplete": "email"})
        fields["url"].label = "Website (optional)"
        fields["url"].widget = forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"})
        fields["comment"].label = "Comment"
        fields["comment"].help_text = MARKDOWN_HINT
        # No maxlength: a browser would cut a pasted text silently. comments.js counts down
        # near the limit, and the server refuses a longer text with the text kept.
        fields["comment"].widget = forms.Textarea(attrs={"rows": 6, "data-max-length": settings.COMMENT_MAX_LENGTH})
        fields["followup"].label = "Email me replies to my comment"
        fields["honeypot"].label = "Leave this field empty"
        fields["honeypot"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_url(self):
        """A website is an http:// or https:// address. Django's URLField would read `//host`
        as https://host and keep `ftp://…`; both are refused here with what to write instead
        (comments.moderation would drop them silently otherwise)."""
        raw = (self.data.get(self.add_prefix("url")) or "").strip()
        folded = unicodedata.normalize("NFKC", raw).lower()
        if folded.startswith(("//", "\\\\", "/\\", "\\/")):
            raise forms.ValidationError(
                "Give your website's full address, starting with https:// "
                "(an address starting with // is not accepted)."
            )
        match = re.match(r"([a-z][a-z0-9+.-]*):", folded)
        scheme = match.group(1) if match and "." not in match.group(1) else ""  # not host.example:8080
        if scheme and scheme not in ("http", "https"):
            raise forms.ValidationError(
                f"Only http:// and https:// websites can be given; a {scheme}: address is not accepted."
            )
        return self.cleaned_data.get("url", "")
