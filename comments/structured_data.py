"""A post's BlogPosting with its conversation: commentCount and the first page of published
comments as Comment items (writer's name and date, never an email; never a held, spam or
removed comment), replies pointing at their parent, the post author's replies carrying the
author's own Person @id (blog.structured_data.person). Two queries for the comments."""

import html

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from blog import site, structured_data

from . import selectors
from .models import State


def _date(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value).replace(" ", "T") + "+00:00"


def post_graph(post, image_url="", thread=None):
    """[BreadcrumbList, BlogPosting] for a public post (`thread`: its first page, when read already)."""
    thread = thread or selectors.thread_page(post, page=1)
    author = structured_data.person(post.author)
    posting = structured_data.blog_posting(post, image_url)
    posting["commentCount"] = thread.count
    items = []
    for row in thread.rows:
        if row[selectors.STATE] != State.PUBLISHED:
            continue  # a removed comment's placeholder says nothing
        permalink = site.absolute(reverse("comments:locate", args=[row[selectors.PK]]))
        text = html.unescape(strip_tags(row[selectors.BODY_HTML] or ""))
        item = {
            "@type": "Comment",
            "@id": permalink,
            "url": permalink,
            "dateCreated": _date(row[selectors.SUBMIT_DATE]),
            "text": Truncator(" ".join(text.split())).chars(500),
        }
        if post.author_id and row[selectors.USER_ID] == post.author_id:
            item["author"] = author  # the post's author answering
        else:
            item["author"] = {"@type": "Person", "name": row[selectors.USER_NAME]}
        if row[selectors.PARENT_ID] and row[selectors.PARENT_ID] != row[selectors.PK]:
            item["parentItem"] = {"@id": site.absolute(reverse("comments:locate", args=[row[selectors.PARENT_ID]]))}
        items.append(item)
    posting["comment"] = items
    return [structured_data.breadcrumbs(post), posting]
