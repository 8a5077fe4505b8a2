"""Form fields of the post editor that the stock admin widgets don't cover.

Tags: the tags box searches existing tags as you type (the admin's autocomplete), and a name
that matches none becomes a new tag on Enter (static/js/tag_input.js sends it as "new:<name>").
New tags are created when the post is saved (PostAdmin.save_related), never while a form with
errors is shown again; the typed names stay in the box.
"""

import functools
import operator

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db.models import Q

from .models import Tag

NEW_TAG = "new:"
TAG_NAME_MAX = Tag._meta.get_field("name").max_length


def is_new(value):
    return str(value).startswith(NEW_TAG)


class TagsWidget(AutocompleteSelectMultiple):
    """The admin's tag autocomplete, which also shows (and sends back) tags typed but not saved yet."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-new-tags"] = NEW_TAG
        # Tags are removed one by one; select2's clear-all button is a <span> inside its <ul>.
        attrs["data-allow-clear"] = "false"
        attrs["aria-label"] = "Tags: type to find one, or a new name and Enter to add it"
        return attrs

    def optgroups(self, name, value, attr=None):
        typed = [v for v in value if is_new(v)]
        groups = super().optgroups(name, [v for v in value if not is_new(v)], attr)
        for index, v in enumerate(typed, start=len(groups)):
            option = self.create_option(name, v, f"{v[len(NEW_TAG):]} (new)", True, index)
            groups.append((None, [option], index))
        return groups

    @property
    def media(self):
        return super().media + forms.Media(js=["js/tag_input.js"])


class TagsField(forms.ModelMultipleChoiceField):
    """Existing tags by id, new ones by name ("new:Salary talks"); cleans to a list of Tags.

    A new name that matches an existing tag (ignoring case) is that tag; the others are Tag
    instances without a primary key, saved by the admin together with the post.
    """

    def clean(self, value):
        values = [str(v) for v in (value or [])]
        existing = [v for v in values if not is_new(v)]
        names = []
        for v in values:
            name = " ".join(v[len(NEW_TAG) :].split()) if is_new(v) else ""
            if is_new(v) and name and name.lower() not in {n.lower() for n in names}:
                names.append(name)
        too_long = [name for name in names if len(name) > TAG_NAME_MAX]
        if too_long:
            raise forms.ValidationError(
                f"A tag name can be at most {TAG_NAME_MAX} characters; “{too_long[0][:40]}…” is longer."
            )
        tags = list(super().clean(existing)) if existing else []
        if not names:
            if self.required and not tags:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return tags
        matching = functools.reduce(operator.or_, (Q(name__iexact=name) for name in names))
        known = {tag.name.lower(): tag for tag in Tag.objects.filter(matching)}
        chosen = {tag.pk for tag in tags}
        for name in names:
            tag = known.get(name.lower()) or Tag(name=name)
            if tag.pk is None or tag.pk not in chosen:
                tags.append(tag)
                chosen.add(tag.pk)
        return tags


def save_new_tags(tags):
    """Create the tags typed in the editor (TagsField) that nobody created meanwhile."""
    for tag in tags or []:
        if tag.pk is None:
            found = Tag.objects.filter(name__iexact=tag.name).first()
            if found is not None:
                tag.pk, tag.slug = found.pk, found.slug
            else:
                tag.save()


class PlaceholderAutocomplete(AutocompleteSelect):
    """The admin's single-choice autocomplete with a placeholder: an empty box then reads (and
    is named, for a screen reader) "No cover image" instead of nothing."""

    def __init__(self, *args, placeholder, **kwargs):
        super().__init__(*args, **kwargs)
        self.placeholder = placeholder

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = self.placeholder
        return attrs
