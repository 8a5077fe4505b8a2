"""comments.rendering.FormRenderer writes the comment form's widgets as Django's templates do."""

import pytest
from django.forms.renderers import DjangoTemplates
from django_comments_xtd import get_form

from comments.rendering import FormRenderer

from .factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_second(monkeypatch):
    """Forms made a moment apart carry the same timestamp and security hash."""
    monkeypatch.setattr("time.time", lambda: 1.8e9)


def rendered(form_class, post, renderer, **kwargs):
    form = form_class(post, renderer=renderer, **kwargs)
    if form.is_bound:
        form.is_valid()  # its errors, rendered below
    parts = {name: str(form[name]) for name in form.fields}
    parts["errors"] = str(form.non_field_errors()) + "".join(str(form[name].errors) for name in form.fields)
    return parts


@pytest.mark.parametrize(
    "data",
    [
        None,  # the form under a post
        {"name": "", "email": "not an email", "url": "javascript:alert(1)", "comment": "", "honeypot": "x"},
        {
            "name": 'Zoë "<b>" & Co',
            "email": "zoe@example.com",
            "url": "https://example.com/?a=1&b=<2>",
            "comment": "Line one\n\n<script>alert('x')</script> & “quotes”",
            "followup": "on",
            "reply_to": "7",
        },
    ],
)
def test_widgets_are_written_as_djangos_templates_write_them(data):
    post = PostFactory()
    form_class = get_form()
    security = form_class(post).generate_security_data()
    kwargs = {} if data is None else {"data": {**security, **data}}
    ours = rendered(form_class, post, FormRenderer(), **kwargs)
    django = rendered(form_class, post, DjangoTemplates(), **kwargs)
    assert ours == django
    assert ours["comment"].startswith("<textarea") and 'type="hidden"' in ours["security_hash"]


def test_other_templates_go_to_django():
    post = PostFactory()
    form = get_form()(post, renderer=FormRenderer())
    assert str(form) == str(get_form()(post, renderer=DjangoTemplates()))
