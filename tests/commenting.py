"""Post comments the way a browser does: read the signed form off the page, fill it, submit."""

import re

from django.urls import reverse

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def form_fields(client, url):
    """The hidden fields of the comment form on the page at `url` (security hash and all)."""
    html = client.get(url).content.decode()
    form = html.split('class="comment-form"', 1)[1].split("</form>", 1)[0]
    return dict(HIDDEN.findall(form))


def post_comment(client, post, *, reply_to=None, follow=False, **fields):
    """POST the comment form for `post`; UPPERCASE keywords are request headers (REMOTE_ADDR...)."""
    extra = {key: fields.pop(key) for key in list(fields) if key.isupper()}
    data = form_fields(client, post.get_absolute_url())
    data.pop("csrfmiddlewaretoken", None)
    data.update(
        {
            "name": "Reader",
            "email": "reader@example.com",
            "url": "",
            "comment": "A thoughtful comment.",
            "honeypot": "",
        }
    )
    if reply_to is not None:
        data["reply_to"] = str(reply_to.pk if hasattr(reply_to, "pk") else reply_to)
    data.update(fields)
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(reverse("comments:post"), data, follow=follow, **extra)
