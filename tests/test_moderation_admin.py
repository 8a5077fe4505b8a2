"""The moderation queue in the admin, its bulk actions, and the moderation functions themselves."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django_comments_xtd.models import XtdComment

from comments import moderation
from comments.models import Moderation, Reason, State

from .commenting import post_comment
from .factories import PostFactory, UserFactory, bulk_posts, comment
from .factories import comments as comment_factory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/moderatedcomment/"
POSTS = "/admin/blog/post/"


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.COMMENTS_RATE_LIMIT = 1000


@pytest.fixture
def author(db):
    return UserFactory(username="author", email="author@example.com")


@pytest.fixture
def post(author):
    return PostFactory(title="Personal Connections Still Get People Hired", author=author)


@pytest.fixture
def other_post(author):
    return PostFactory(title="Working With Recruiters", author=author)


def posted(post, *, name="Reader", email="reader@example.com", text="A thoughtful comment.", **fields):
    """A comment posted through the real view by a fresh anonymous browser."""
    response = post_comment(Client(), post, name=name, email=email, comment=text, **fields)
    assert response.status_code == 302, response.content.decode()[:500]
    comment = XtdComment.norel_objects.select_related("moderation").latest("pk")
    assert comment.comment == text
    return comment


def fetch(comment):
    return XtdComment.norel_objects.select_related("moderation").get(pk=comment.pk)


def make_comments(post, count, *, state=State.HELD, reason=Reason.FIRST_COMMENT, prefix="Bulk comment"):
    """`count` top-level comments stored directly (no view, no rules), newest first."""
    roots, _ = comment_factory(post, count, state=state, reason=reason, text=prefix + " {n}")
    return roots[::-1]


def act(client, action, comments, *, query=""):
    return client.post(
        QUEUE + query,
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


class _CommentTree(HTMLParser):
    """{comment id: id of the comment it is shown under, or None} from a post page."""

    def __init__(self):
        super().__init__()
        self.stack, self.parents = [], {}

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            attrs = dict(attrs)
            is_comment = "comment" in (attrs.get("class") or "").split()
            node = int(attrs["id"][1:]) if is_comment else None
            if node is not None:
                self.parents[node] = next((n for n in reversed(self.stack) if n is not None), None)
            self.stack.append(node)

    def handle_endtag(self, tag):
        if tag == "li" and self.stack:
            self.stack.pop()


def shown_under(html):
    parser = _CommentTree()
    parser.feed(html)
    return parser.parents


def rows(html):
    """The result rows of an admin changelist."""
    body = html.split('id="result_list"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", body.split("<tbody>", 1)[1], re.DOTALL)


# The queue -------------------------------------------------------------------------------------------


@pytest.fixture
def mixed(post, other_post, staff):
    """One comment of each kind, on two posts."""
    staff_client = Client()
    staff_client.force_login(staff)
    post_comment(staff_client, post, name=None, email=None, comment="Published by the editor.")
    return {
        "held": posted(post, name="Jordan Lee", email="jordan@example.com", text="Held first comment."),
        "links": posted(
            post,
            name="Linker",
            email="linker@example.com",
            text="Links https://a.example https://b.example https://c.example",
        ),
        "spam": posted(post, name="Spammer", email="spam@example.com", text="Visit my casino now"),
        "other": posted(other_post, name="Sam", email="sam@example.com", text="Held on the other post."),
        "published": fetch(XtdComment.norel_objects.get(comment="Published by the editor.")),
    }


def test_queue_opens_on_held_comments_only_with_their_details(staff_client, mixed):
    response = staff_client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(rows(html)) == 3
    assert "Held first comment." in html
    assert "Held on the other post." in html
    assert "Links https://a.example" in html
    assert "Visit my casino now" not in html
    assert "Published by the editor." not in html

    (row,) = [r for r in rows(html) if "Held first comment." in r]
    assert "Personal Connections Still Get People Hired" in row
    assert "Jordan Lee" in row
    assert "jordan@example.com" in row
    assert "127.0.0.1" in row
    assert "Held: first comment from this email" in row
    assert "Held for review" in row
    assert re.search(r'class="field-age"><time [^>]*>\d+\xa0minutes?\xa0ago</time>', row), row


def test_queue_shows_the_whole_comment_never_an_excerpt(staff_client, post):
    posted(post, text=("word " * 60).strip())
    html = staff_client.get(QUEUE).content.decode()
    (row,) = rows(html)
    assert "…" not in row
    assert ("word " * 60).strip() in row


def test_queue_filters_by_state(staff_client, mixed):
    spam = staff_client.get(QUEUE, {"state": "spam"}).content.decode()
    assert len(rows(spam)) == 1
    assert "Visit my casino now" in spam
    assert "Spam word" in spam

    published = staff_client.get(QUEUE, {"state": "published"}).content.decode()
    assert len(rows(published)) == 1
    assert "Published by the editor." in published

    every = staff_client.get(QUEUE, {"state": "all"}).content.decode()
    assert len(rows(every)) == 5


def test_queue_filters_by_reason(staff_client, mixed):
    html = staff_client.get(QUEUE, {"reason": "links"}).content.decode()
    assert len(rows(html)) == 1
    assert "Links https://a.example" in html
    assert "Too many links" in html


def test_queue_filters_by_post(staff_client, mixed, other_post):
    html = staff_client.get(QUEUE, {"post": other_post.pk}).content.decode()
    assert len(rows(html)) == 1
    assert "Held on the other post." in html
    every = staff_client.get(QUEUE, {"post": other_post.pk, "state": "all"}).content.decode()
    assert len(rows(every)) == 1


def test_post_filter_lists_the_commented_posts(staff_client, mixed, post, other_post):
    uncommented = PostFactory(title="Nobody Commented Here", author=post.author)
    html = staff_client.get(QUEUE).content.decode()
    assert f"?post={post.pk}" in html
    assert f"?post={other_post.pk}" in html
    assert f"?post={uncommented.pk}" not in html


def test_queue_search_finds_by_email(staff_client, mixed):
    html = staff_client.get(QUEUE, {"q": "sam@example.com"}).content.decode()
    assert len(rows(html)) == 1
    assert "Held on the other post." in html


def test_non_staff_cannot_open_the_queue(client, mixed):
    assert client.get(QUEUE).status_code == 302
    assert client.get(QUEUE)["Location"].startswith("/admin/login/")
    client.force_login(UserFactory(username="reader"))
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.post(QUEUE, {"action": "approve", "_selected_action": [mixed["held"].pk]}).status_code == 302
    assert fetch(mixed["held"]).moderation.state == State.HELD


def test_a_comment_cannot_be_added_or_edited_in_the_queue(staff_client, mixed):
    assert staff_client.get(QUEUE + "add/").status_code == 403
    response = staff_client.get(f"{QUEUE}{mixed['held'].pk}/change/")
    assert response.status_code == 200  # read-only view
    html = response.content.decode()
    assert "Held first comment." in html
    assert 'name="comment"' not in html


# Bulk actions ----------------------------------------------------------------------------------------


def test_bulk_approve_publishes_held_comments(staff_client, staff, mixed):
    response = act(staff_client, "approve", [mixed["held"], mixed["links"]])
    assert response.status_code == 200
    assert "2 comment(s) approved." in response.content.decode()
    for key in ("held", "links"):
        comment = fetch(mixed[key])
        assert comment.moderation.state == State.PUBLISHED
        assert comment.moderation.reason == Reason.MODERATOR
        assert comment.moderation.decided_by == staff
        assert comment.is_public and not comment.is_removed
    assert fetch(mixed["other"]).moderation.state == State.HELD
    assert len(rows(response.content.decode())) == 1  # back on the queue, one left


def test_bulk_mark_spam_hides_comments(staff_client, staff, mixed):
    act(staff_client, "mark_spam", [mixed["held"]])
    comment = fetch(mixed["held"])
    assert comment.moderation.state == State.SPAM
    assert comment.moderation.decided_by == staff
    assert not comment.is_public and comment.is_removed


def test_bulk_remove_from_the_queue(staff_client, mixed):
    act(staff_client, "remove", [mixed["held"]])
    comment = fetch(mixed["held"])
    assert comment.moderation.state == State.REMOVED
    assert comment.is_removed


def test_bulk_remove_and_restore_a_published_comment(staff_client, mixed):
    published = mixed["published"]
    act(staff_client, "remove", [published], query="?state=published")
    comment = fetch(published)
    assert comment.moderation.state == State.REMOVED
    assert comment.is_removed

    response = act(staff_client, "restore", [published], query="?state=removed")
    assert "1 comment(s) restored." in response.content.decode()
    comment = fetch(published)
    assert comment.moderation.state == State.PUBLISHED
    assert comment.is_public and not comment.is_removed


def test_bulk_restore_from_spam(staff_client, mixed):
    act(staff_client, "restore", [mixed["spam"]], query="?state=spam")
    comment = fetch(mixed["spam"])
    assert comment.moderation.state == State.PUBLISHED
    assert comment.is_public and not comment.is_removed


def test_bulk_approve_from_the_spam_view(staff_client, mixed):
    act(staff_client, "approve", [mixed["spam"]], query="?state=spam")
    comment = fetch(mixed["spam"])
    assert comment.moderation.state == State.PUBLISHED
    assert comment.is_public and not comment.is_removed


def test_restore_leaves_held_comments_alone(staff_client, mixed):
    response = act(staff_client, "restore", [mixed["held"]])
    assert "0 comment(s) restored." in response.content.decode()
    assert fetch(mixed["held"]).moderation.state == State.HELD


def test_bulk_approve_sends_the_followup_mail(
    staff_client, staff, post, mailoutbox, django_capture_on_commit_callbacks
):
    first = posted(post, name="Ada", email="ada@example.com", text="A question.", followup="on")
    moderation.approve([first], by=staff)
    reply = posted(post, name="Ben", email="ben@example.com", text="An answer.", reply_to=first)
    assert reply.moderation.state == State.HELD
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        act(staff_client, "approve", [reply])

    assert fetch(reply).moderation.state == State.PUBLISHED
    followups = [m for m in mailoutbox if m.to == ["ada@example.com"]]
    assert len(followups) == 1
    assert "An answer." in followups[0].body
    assert not [m for m in mailoutbox if "ben@example.com" in m.to]


def test_followers_hear_of_a_comment_once_whatever_path_publishes_it(
    staff_client, staff, post, mailoutbox, django_capture_on_commit_callbacks
):
    """Held, removed by mistake, restored: followers are told when it is restored. Removed
    and restored again later: they are not told a second time."""
    first = posted(post, name="Ada", email="ada@example.com", text="A question.", followup="on")
    moderation.approve([first], by=staff)
    reply = posted(post, name="Ben", email="ben@example.com", text="An answer.", reply_to=first)
    assert reply.moderation.state == State.HELD
    act(staff_client, "remove", [reply])
    mailoutbox.clear()

    def followups():
        return [m for m in mailoutbox if m.to == ["ada@example.com"] and "An answer." in m.body]

    with django_capture_on_commit_callbacks(execute=True):
        act(staff_client, "restore", [reply], query="?state=removed")
    assert fetch(reply).moderation.state == State.PUBLISHED
    assert len(followups()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        act(staff_client, "remove", [reply], query="?state=published")
        act(staff_client, "restore", [reply], query="?state=removed")
    assert fetch(reply).moderation.state == State.PUBLISHED
    assert len(followups()) == 1  # not again


@pytest.mark.parametrize("count", [5, 100])
def test_bulk_approve_runs_a_bounded_number_of_queries(staff_client, post, count, django_assert_max_num_queries):
    comments = make_comments(post, count)
    with django_assert_max_num_queries(28):  # with the queue page's reads and the spam filter learning (fixed)
        response = staff_client.post(QUEUE, {"action": "approve", "_selected_action": [c.pk for c in comments]})
    assert response.status_code == 302
    assert Moderation.objects.filter(state=State.PUBLISHED).count() == count
    assert XtdComment.norel_objects.filter(is_public=True).count() == count


@pytest.mark.parametrize("count", [5, 100])
def test_followup_task_after_a_bulk_approve_runs_a_bounded_number_of_queries(
    staff, post, count, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The mail task after approving N replies must not load each one separately."""
    (parent,) = make_comments(post, 1, state=State.PUBLISHED, prefix="Parent")
    XtdComment.norel_objects.filter(pk=parent.pk).update(followup=True)
    replies = [
        comment(
            post,
            parent=parent,
            state=State.HELD,
            reason=Reason.FIRST_COMMENT,
            name=f"Replier {n}",
            email=f"replier{n}@example.com",
            text=f"Reply {n}",
        )
        for n in range(count)
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moderation.approve(replies, by=staff)
    with django_assert_max_num_queries(20):
        for callback in callbacks:
            callback()


# Removing keeps the replies ----------------------------------------------------------------------------


def test_removing_a_comment_keeps_its_replies_under_a_placeholder(staff_client, staff, post):
    parent = posted(post, name="Ada", email="ada@example.com", text="The parent comment text.")
    moderation.approve([parent], by=staff)
    reply = posted(post, name="Ben", email="ben@example.com", text="The reply stays visible.", reply_to=parent)
    moderation.approve([reply], by=staff)

    act(staff_client, "remove", [parent], query="?state=published")
    assert fetch(parent).moderation.state == State.REMOVED

    html = Client().get(post.get_absolute_url()).content.decode()
    assert "The parent comment text." not in html
    assert "[removed]" in html
    assert "The reply stays visible." in html
    assert shown_under(html) == {parent.pk: None, reply.pk: parent.pk}
    placeholder = html.split(f'id="c{parent.pk}"', 1)[1].split(f'id="c{reply.pk}"', 1)[0]
    assert "[removed]" in placeholder


def test_spam_is_never_shown_on_the_post_page(mixed, post):
    html = Client().get(post.get_absolute_url()).content.decode()
    assert "Visit my casino now" not in html
    assert "Held first comment." not in html
    assert "Published by the editor." in html


# The admin index and the post list --------------------------------------------------------------------


def test_admin_index_shows_the_number_of_comments_awaiting_moderation(staff_client, mixed):
    html = staff_client.get("/admin/").content.decode()
    assert "3 comments awaiting moderation" in html
    assert f'href="{QUEUE}"' in html


def test_admin_index_counts_one_comment_in_the_singular(staff_client, post):
    posted(post)
    assert "1 comment awaiting moderation" in staff_client.get("/admin/").content.decode()


def test_admin_index_with_an_empty_queue(staff_client, post):
    assert "No comments awaiting moderation." in staff_client.get("/admin/").content.decode()


def test_post_changelist_shows_held_comments_per_post(staff_client, mixed, post, other_post):
    quiet = PostFactory(title="A Post Without Comments", author=post.author)
    html = staff_client.get(POSTS).content.decode()
    assert "Held comments" in html
    by_title = {}
    for row in rows(html):
        held = re.search(r'class="field-held_comments">(\d+)</td>', row)
        for candidate in (post, other_post, quiet):
            if candidate.title in row:
                by_title[candidate.title] = int(held.group(1))
    # post: the first comment and the link comment (the spam and the published one don't count)
    assert by_title == {post.title: 2, other_post.title: 1, quiet.title: 0}


def test_post_changelist_sorts_by_held_comments(staff_client, mixed, post, other_post):
    from blog.admin import PostAdmin
    from comments.admin import held_comments

    column = len(PostAdmin.list_display) + [display for display, _ in PostAdmin.extra_columns].index(held_comments) + 1
    html = staff_client.get(POSTS, {"o": f"-{column}"}).content.decode()
    titles = [t for row in rows(html) for t in (post.title, other_post.title) if t in row]
    assert titles == [post.title, other_post.title]


@pytest.mark.parametrize("count", [5, 60])
def test_post_changelist_runs_a_bounded_number_of_queries(
    staff_client, theme, author, count, django_assert_max_num_queries
):
    for post in bulk_posts(count, theme=theme, author=author):
        make_comments(post, 3)
    with django_assert_max_num_queries(20):
        response = staff_client.get(POSTS)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 100])
def test_queue_changelist_runs_a_bounded_number_of_queries(
    staff_client, theme, author, count, django_assert_max_num_queries
):
    posts = bulk_posts(5, theme=theme, author=author)
    for n in range(count):
        make_comments(posts[n % 5], 1, prefix=f"Comment {n}:")
    with django_assert_max_num_queries(20):
        response = staff_client.get(QUEUE)
    assert response.status_code == 200
    assert len(rows(response.content.decode())) == count


# The moderation functions ------------------------------------------------------------------------------


@pytest.fixture
def held_comment(post):
    return posted(post, name="Jordan", email="jordan@example.com", text="Please approve me.")


@pytest.mark.parametrize(
    ("function", "start", "end", "is_public", "is_removed"),
    [
        (moderation.approve, State.HELD, State.PUBLISHED, True, False),
        (moderation.approve, State.SPAM, State.PUBLISHED, True, False),
        (moderation.mark_spam, State.HELD, State.SPAM, False, True),
        (moderation.mark_spam, State.PUBLISHED, State.SPAM, False, True),
        (moderation.remove, State.HELD, State.REMOVED, False, True),
        (moderation.remove, State.PUBLISHED, State.REMOVED, False, True),
        (moderation.restore, State.REMOVED, State.PUBLISHED, True, False),
        (moderation.restore, State.SPAM, State.PUBLISHED, True, False),
    ],
)
def test_moderation_functions_record_who_decided_and_why(staff, post, function, start, end, is_public, is_removed):
    (comment,) = make_comments(post, 1, state=start, reason=Reason.CLEAN)
    assert function([comment], by=staff) == [comment.pk]
    comment = fetch(comment)
    assert comment.moderation.state == end
    assert comment.moderation.reason == Reason.MODERATOR
    assert comment.moderation.decided_by == staff
    assert comment.is_public is is_public
    assert comment.is_removed is is_removed


def test_moderation_functions_take_one_comment_a_pk_or_many(staff, post):
    a, b, c = make_comments(post, 3)
    assert moderation.approve(a, by=staff) == [a.pk]
    assert moderation.mark_spam(b.pk, by=staff) == [b.pk]
    assert sorted(moderation.remove([a, c], by=staff)) == sorted([a.pk, c.pk])


@pytest.mark.parametrize(
    ("function", "start"),
    [
        (moderation.approve, State.PUBLISHED),
        (moderation.approve, State.REMOVED),
        (moderation.mark_spam, State.SPAM),
        (moderation.remove, State.REMOVED),
        (moderation.restore, State.HELD),
        (moderation.restore, State.PUBLISHED),
    ],
)
def test_moderation_functions_skip_comments_in_another_state(staff, post, function, start):
    (comment,) = make_comments(post, 1, state=start, reason=Reason.CLEAN)
    assert function([comment], by=staff) == []
    comment = fetch(comment)
    assert comment.moderation.state == start
    assert comment.moderation.reason == Reason.CLEAN
    assert comment.moderation.decided_by is None


def test_approving_a_first_comment_makes_the_email_known(staff, post, held_comment):
    moderation.approve([held_comment], by=staff)
    second = posted(post, name="Jordan", email="JORDAN@example.com", text="My second comment.")
    assert second.moderation.state == State.PUBLISHED
    assert second.moderation.reason == Reason.CLEAN


@pytest.mark.parametrize("hide", [moderation.mark_spam, "reported"])
def test_replies_to_a_hidden_comment_never_show_up_in_another_thread(staff, post, settings, hide):
    first = posted(post, name="Ada", email="ada@example.com", text="First thread root.")
    second = posted(post, name="Bo", email="bo@example.com", text="Second thread root.")
    moderation.approve([first, second], by=staff)
    reply = posted(post, name="Cy", email="cy@example.com", text="A reply to Bo.", reply_to=second)
    moderation.approve([reply], by=staff)

    if hide == "reported":
        settings.COMMENTS_REPORT_THRESHOLD = 1
        moderation.report(second, reporter_key="someone")
    else:
        hide([second], by=staff)
    assert fetch(second).moderation.state in (State.SPAM, State.HELD)

    html = Client().get(post.get_absolute_url()).content.decode()
    assert shown_under(html).get(reply.pk) != first.pk
