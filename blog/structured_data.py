"""JSON-LD for search engines (schema.org), written into pages as data, not script.

`<script type="application/ld+json">` is a data block: browsers never run it, so the
Content-Security-Policy (script-src 'self', no 'unsafe-inline') does not apply to it and
stays unchanged. The JSON is escaped as Django's json_script escapes it (<, > and & as
\\u escapes), so no text of a post or comment can close the element.

Here: the home page's WebSite with its SearchAction, and a post's BreadcrumbList (home >
theme > post) and BlogPosting. comments.structured_data adds the conversation (commentCount,
the first page of comments); blog knows nothing of comments.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe

from . import site
from .models import author_name

CONTEXT = "https://schema.org"


def json_ld(data):
    """<script type="application/ld+json"> holding `data`, escaped like json_script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    escaped = text.translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{escaped}</script>')  # noqa: S308 - <, >, & escaped


def website():
    home = site.absolute(reverse("blog:post_list"))
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "@id": f"{home}#website",
        "name": settings.BLOG_TITLE,
        "description": settings.BLOG_DESCRIPTION,
        "url": home,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": site.absolute(reverse("blog:search")) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def breadcrumbs(post):
    trail = [
        (settings.BLOG_TITLE, reverse("blog:post_list")),
        (post.theme.name, post.theme.get_absolute_url()),
        (post.title, post.get_absolute_url()),
    ]
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": site.absolute(url)}
            for n, (name, url) in enumerate(trail, start=1)
        ],
    }


def person(user):
    """The post's author as a Person, with an @id that comments by the same user share."""
    url = site.absolute(reverse("blog:author_detail", args=[user.get_username()]))
    return {"@type": "Person", "@id": f"{url}#person", "name": author_name(user), "url": url}


def blog_posting(post, image_url=""):
    url = site.absolute(post.get_absolute_url())
    data = {
        "@context": CONTEXT,
        "@type": "BlogPosting",
        "@id": f"{url}#post",
        "mainEntityOfPage": url,
        "url": url,
        "headline": post.title[:110],
        "description": post.excerpt,
        "datePublished": post.published_at.isoformat(),
        "dateModified": post.updated_at.isoformat(),
        "author": person(post.author),
        "publisher": {"@type": "Organization", "name": settings.BLOG_TITLE, "url": site.absolute("/")},
        "articleSection": post.theme.name,
        "keywords": [tag.name for tag in post.tags.all()],
        "wordCount": post.word_count,
        "isPartOf": {"@id": site.absolute(reverse("blog:post_list")) + "#website"},
    }
    if image_url:
        data["image"] = image_url
    return data
