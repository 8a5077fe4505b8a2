import functools
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, MonthArchiveView, TemplateView, YearArchiveView

from . import cache_keys, selectors
from .models import Page, Post, Tag, Theme
from .pagination import CappedCountPaginator, NoCountPaginator, canonical_number


class CanonicalPageMixin:
    """?page= only as our links write it (blog.pagination.canonical_number), or "last"; a
    number written another way ("01", "١") would be one more copy of a page to cache: 404."""

    def paginate_queryset(self, queryset, page_size):
        value = self.request.GET.get(self.page_kwarg)
        if value is not None and value != "last" and canonical_number(value) is None:
            raise Http404("No such page.")
        return super().paginate_queryset(queryset, page_size)


class PublicPostsMixin(CanonicalPageMixin):
    """List views over public posts only, with theme and tags prefetched."""

    paginate_by = settings.BLOG_POSTS_PER_PAGE
    paginator_class = NoCountPaginator
    context_object_name = "posts"

    def get_queryset(self):
        return Post.objects.published().for_lists()


class PostListView(PublicPostsMixin, ListView):
    template_name = "blog/post_list.html"

    def get_queryset(self):
        cache_keys.add(self.request, cache_keys.HOME)
        return super().get_queryset()


class Fragments:
    """Big HTML made outside the template engine, put into the page after it is rendered.

    A template tag calls put(html) and outputs the marker it returns; FragmentResponse
    encodes the rendered page around the markers and splices in each fragment, encoded on
    its own. Why: on its way out through the nested templates (each {% if %}, {% block %},
    inclusion tag and the base template joins its output and copies it into a new
    SafeString), then through encoding, a post's 1,000-comment thread (about 1 MB) was
    copied about ten times: a quarter of the page's time. Given in pieces, a fragment is
    not even joined: the pieces are encoded one by one into the page's bytes, the one big
    allocation (each big string also costs the page faults of fresh memory). Markers carry
    a random nonce of this response, so no text on the page can forge one.
    """

    def __init__(self):
        self.nonce = secrets.token_hex(8)
        self.parts = {}

    def put(self, html):
        """`html`: safe HTML, a str or a list of str pieces. Returns the marker to output."""
        marker = f"<!--fragment {self.nonce} {len(self.parts)}-->"
        self.parts[marker] = [html] if isinstance(html, str) else html
        return mark_safe(marker)  # noqa: S308 - our own comment, replaced by safe HTML

    def splice(self, text, charset):
        """`text` (the rendered page) as bytes, with each fragment in place of its marker."""
        places = sorted((text.index(marker), marker) for marker in self.parts)  # ValueError: a marker lost
        out, start = [], 0
        for place, marker in places:
            out.append(text[start:place].encode(charset))
            out += [piece.encode(charset) for piece in self.parts[marker]]
            start = place + len(marker)
        out.append(text[start:].encode(charset))
        return b"".join(out)


class FragmentResponse(TemplateResponse):
    """A TemplateResponse whose context may hold Fragments (`fragments`)."""

    @property
    def rendered_content(self):
        text = super().rendered_content
        fragments = (self.context_data or {}).get("fragments")
        return fragments.splice(text, self.charset) if fragments and fragments.parts else text


class PostDetailView(DetailView):
    """A post at /<year>/<month>/<slug>/. Staff also see drafts and scheduled posts, never cached."""

    context_object_name = "post"
    template_name = "blog/post_detail.html"
    response_class = FragmentResponse

    def get_queryset(self):
        return (
            Post.objects.visible_to(self.request.user)
            .select_related("theme", "cover", "author__author_profile")
            .prefetch_related("tags")
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            return HttpResponseRedirect(canonical, status=301 if self.object.is_public else 302)
        can_edit = can_edit_posts(request.user)
        response = self.render_to_response(self.get_context_data(object=self.object, can_edit=can_edit))
        if not self.object.is_public:
            add_never_cache_headers(response)
        elif can_edit:  # the "Edit post" link: this copy is for this writer, never for a shared cache
            patch_cache_control(response, private=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        post = self.object
        previous, following = selectors.adjacent_posts(post) if post.is_public else (None, None)
        discussions = selectors.relevant_discussions(post, exclude=[previous, following])
        # A post the author pinned stays in Relevant Discussions: its Previous/Next card would repeat it.
        listed = {entry.post.pk for entry in discussions}
        context.update(
            discussions=discussions,
            previous_post=previous if previous and previous.pk not in listed else None,
            next_post=following if following and following.pk not in listed else None,
            is_preview=not post.is_public,
            fragments=Fragments(),  # the comment thread goes in last (comments.templatetags)
        )
        return context


def can_edit_posts(user):
    """Whether the page shows `user` a link to the post's admin change form."""
    return user.is_authenticated and user.is_staff and user.has_perm("blog.change_post")


class AuthorDetailView(PublicPostsMixin, ListView):
    """An author's page at /authors/<username>/: her name, bio and public posts, newest first.

    Only for people who write here: 404 for an unknown user and for an account with neither
    a public post nor a bio (staff who only moderate stay unlisted).
    """

    template_name = "blog/author_detail.html"

    def get(self, request, *args, **kwargs):
        users = get_user_model().objects.select_related("author_profile")
        self.author = get_object_or_404(users, **{get_user_model().USERNAME_FIELD: kwargs["username"]})
        self.profile = getattr(self.author, "author_profile", None)
        if (
            not (self.profile and self.profile.bio_html)
            and not super().get_queryset().filter(author=self.author).exists()
        ):
            raise Http404("No such author.")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        cache_keys.add(self.request, cache_keys.author(self.author.pk))
        return super().get_queryset().filter(author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, profile=self.profile, **kwargs)


class PageDetailView(DetailView):
    """A standalone page at /<slug>/. Staff also see drafts (never cached), as with posts."""

    context_object_name = "page"
    template_name = "blog/page_detail.html"

    def get_queryset(self):
        return Page.objects.visible_to(self.request.user)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.object.is_public:
            add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=not self.object.is_public, **kwargs)


class ThemeListView(ListView):
    template_name = "blog/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        return selectors.themes_with_counts()


class ThemeDetailView(PublicPostsMixin, ListView):
    template_name = "blog/theme_detail.html"

    def get(self, request, *args, **kwargs):
        self.theme = get_object_or_404(Theme, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(theme=self.theme)

    def get_context_data(self, **kwargs):
        return super().get_context_data(theme=self.theme, **kwargs)


class TagListView(ListView):
    template_name = "blog/tag_list.html"
    context_object_name = "tags"

    def get_queryset(self):
        return selectors.tag_index()


class TagDetailView(PublicPostsMixin, ListView):
    template_name = "blog/tag_detail.html"

    def get(self, request, *args, **kwargs):
        self.tag = get_object_or_404(Tag, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, related_tags=list(selectors.related_tags(self.tag)), **kwargs)


class ArchiveIndexView(TemplateView):
    template_name = "blog/archive_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive=selectors.archive_months(), **kwargs)


class PostArchiveMixin(CanonicalPageMixin):
    date_field = "published_at"
    allow_empty = False
    allow_future = False
    context_object_name = "posts"
    paginate_by = settings.BLOG_POSTS_PER_PAGE
    paginator_class = NoCountPaginator

    def get_queryset(self):
        return Post.objects.published().for_lists()


class PostYearArchiveView(PostArchiveMixin, YearArchiveView):
    make_object_list = True
    template_name = "blog/post_archive_year.html"

    def get_date_list(self, queryset, date_type=None, ordering="DESC"):
        # Newest month first, as the archive index and every list of posts.
        return super().get_date_list(queryset, date_type, ordering="DESC")

    def get_dated_items(self):
        cache_keys.add(self.request, cache_keys.archive(int(self.get_year())))
        return super().get_dated_items()


class PostMonthArchiveView(PostArchiveMixin, MonthArchiveView):
    month_format = "%m"
    template_name = "blog/post_archive_month.html"

    def get_dated_items(self):
        cache_keys.add(self.request, cache_keys.archive(int(self.get_year()), int(self.get_month())))
        return super().get_dated_items()

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # Django lists the month's days (a scan of every post in it) only to 404 an empty
        # month; the page shows no days, so a one-row check does.
        if not queryset.exists():
            raise Http404("No posts in this month.")
        return []


class SearchView(CanonicalPageMixin, ListView):
    template_name = "blog/search.html"
    context_object_name = "posts"
    paginate_by = settings.BLOG_POSTS_PER_PAGE
    paginator_class = CappedCountPaginator

    def get_queryset(self):
        self.query = self.request.GET.get("q", "")[:200]
        self.terms = selectors.search_terms(self.query)
        return selectors.search_posts(self.terms)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, terms=self.terms, **kwargs)
        if self.terms and not context["posts"]:  # offer somewhere to go instead of a second "none"
            context.update(browse_themes=selectors.browse_themes(), browse_tags=selectors.browse_tags())
        return context


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


# Browsers ask for these at the site's root whatever the page links (and Lighthouse counts a
# 404 there against the page); base.html links them too. Read once, served from memory.
ROOT_ICONS = {"favicon.ico": "image/x-icon", "apple-touch-icon.png": "image/png"}


@functools.cache
def _icon_bytes(name):
    with open(finders.find(f"icons/{name}"), "rb") as handle:
        return handle.read()


@require_safe
@cache_control(max_age=86400, public=True)
def root_icon(request, name):
    return HttpResponse(_icon_bytes(name), content_type=ROOT_ICONS[name])


def page_not_found(request, exception):
    # An address of the old blog (an imported post's or page's) answers with its redirect instead.
    from .legacy import old_address

    return old_address(request) or render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context: the page must not depend on anything that failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"blog_title": settings.BLOG_TITLE}))
