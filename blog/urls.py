from django.urls import path, register_converter

from . import feeds, legacy, views


class FourDigitYear:
    regex = r"[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigitMonth:
    regex = r"0[1-9]|1[0-2]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


class Username:
    """Any username without a slash (a byline must always find its URL), but no NUL: PostgreSQL
    refuses one in a query, and /authors/%00/ must be a 404 like any unknown name."""

    regex = r"[^/\x00]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FourDigitYear, "yyyy")
register_converter(Username, "username")
register_converter(TwoDigitMonth, "mm")

app_name = "blog"
urlpatterns = [
    path("", legacy.with_wordpress_ids(views.PostListView.as_view()), name="post_list"),  # + /?p=ID
    path("<yyyy:year>/<mm:month>/<slug:slug>/", views.PostDetailView.as_view(), name="post_detail"),
    path("themes/", views.ThemeListView.as_view(), name="theme_list"),
    path("themes/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme_detail"),
    path("themes/<slug:slug>/feed/", feeds.ThemeFeed(), name="theme_feed"),
    path("themes/<slug:slug>/feed/atom/", feeds.ThemeAtomFeed(), name="theme_atom_feed"),
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_atom_feed"),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive"),
    path("archive/<yyyy:year>/", views.PostYearArchiveView.as_view(), name="archive_year"),
    path("archive/<yyyy:year>/<mm:month>/", views.PostMonthArchiveView.as_view(), name="archive_month"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("authors/<username:username>/", views.AuthorDetailView.as_view(), name="author_detail"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestPostsAtomFeed(), name="atom_feed"),
    # Old addresses of imported posts (blog.legacy): 301 to the new pages.
    path("<yyyy:year>/<mm:month>/<slug:slug>.html", legacy.blogger_post, name="legacy_blogger_post"),
    path("search/label/<path:name>", legacy.blogger_label, name="legacy_blogger_label"),
    path("feeds/posts/default", legacy.blogger_feed, name="legacy_blogger_feed"),
    path("<yyyy:year>/<mm:month>/<int:day>/<slug:slug>/", legacy.wordpress_post, name="legacy_wordpress_post"),
    # Standalone pages (About, Contact): last, so that no page can shadow a route above;
    # their slugs are checked against the routes' first segments (blog.models.validate_page_slug).
    path("<slug:slug>/", views.PageDetailView.as_view(), name="page_detail"),
]
