"""The moderation queue's row buttons, reply from the queue, tabs, "Awaiting your reply" and the
comment's own page, through the real admin URLs (comments/admin.py)."""

import json
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from comments import moderation
from comments.models import Moderation, ModerationEvent, Reason, State
from comments.rules import Decision, Outcome

from .factories import PostFactory, StaffFactory, UserFactory, bulk_posts, comment
from .factories import comments as comment_factory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/moderatedcomment/"
JSON = {"HTTP_ACCEPT": "application/json"}


def act_url(comment, action, back=""):
    return f"{QUEUE}{comment.pk}/do/{action}/" + (f"?next={back}" if back else "")


def reply_url(comment):
    return f"{QUEUE}{comment.pk}/reply/"


def state_of(comment):
    return Moderation.objects.get(comment_id=comment.pk).state


@pytest.fixture
def author(db):
    return StaffFactory(username="dana", first_name="Dana", last_name="Writer", email="dana@example.com")


@pytest.fixture
def author_client(author):
    client = Client()
    client.force_login(author)
    return client


@pytest.fixture
def post(author):
    return PostFactory(title="Knock on doors", author=author)


@pytest.fixture
def held(post):
    """Held as a reader's first comment, by the one writer (so its first decision is an event)."""
    return moderation.create(
        post,
        Decision(Outcome.HOLD, Reason.FIRST_COMMENT),
        name="Jo Park",
        email="jo@example.com",
        ip="192.0.2.1",
        text="Does this *work* for remote jobs?",
    )


def test_a_seeded_comment_without_events_shows_its_reason(author_client, post):
    comment(post, text="Imported", state=State.HELD, reason=Reason.MODERATION_WORD)
    (row,) = rows(author_client.get(QUEUE).content.decode())
    assert "Held: contains a moderation word" in row


def rows(html):
    body = html.split('id="result_list"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", body.split("<tbody>", 1)[1], re.DOTALL)


# What a row shows --------------------------------------------------------------------------------------


def test_a_row_shows_the_rendered_comment_its_author_post_reason_and_age(author_client, post):
    comment(
        post,
        text="A **bold** question?\n\n- one\n- two",
        state=State.HELD,
        reason=Reason.LINKS,
        name="Jo Park",
        email="jo@example.com",
        url="https://jo.example",
        ip="192.0.2.7",
        submitted=timezone.now() - timezone.timedelta(days=35),
    )
    (row,) = rows(author_client.get(QUEUE).content.decode())
    assert "<strong>bold</strong>" in row and "<li>one</li>" in row  # as readers see it
    assert "Jo Park" in row and "jo@example.com" in row and "192.0.2.7" in row
    assert 'href="https://jo.example"' in row
    assert f'href="{post.get_absolute_url()}"' in row and "Knock on doors" in row
    assert "Held: too many links" in row
    age = re.search(r"<time [^>]*datetime=\"[^\"]+\" title=\"([^\"]+)\">([^<]+)</time>", row)
    assert age.group(2) == "1\xa0month\xa0ago"  # one unit, never "1 month, 4 days" over three lines
    assert re.match(r"\d+ \w+ \d{4}, \d\d:\d\d", age.group(1))


def test_a_published_row_links_to_the_comment_in_its_thread(author_client, post):
    published = comment(post, text="Visible", name="Ann")
    html = author_client.get(QUEUE, {"state": "published"}).content.decode()
    assert f'href="{post.get_absolute_url()}#c{published.pk}"' in html


def test_the_history_says_how_it_was_held_and_who_decided_since(author_client, author, post, held):
    moderation.approve([held], by=author)
    moderation.remove([held], by=author)
    html = author_client.get(QUEUE, {"state": "removed"}).content.decode()
    day = timezone.localtime().strftime("%-d %b")
    assert (
        f"Held: first comment from this email · approved by Dana Writer, {day} · removed by Dana Writer, {day}" in html
    )


def test_the_page_reads_naturally(author_client, post, held):
    comment(post, text="Another", state=State.HELD, reason=Reason.FIRST_COMMENT)
    html = author_client.get(QUEUE).content.decode()
    assert "<h1>Moderation queue</h1>" in html
    assert "Select comment to" not in html
    assert "2 comments" in html
    assert "moderation queue</" not in html.split('class="paginator"', 1)[1]
    assert "Approve selected comments" in html
    assert "Delete selected" not in html


# Row actions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "action", "end", "said"),
    [
        (State.HELD, "approve", State.PUBLISHED, "Approved: the comment by Jo Park."),
        (State.HELD, "spam", State.SPAM, "Marked as spam: the comment by Jo Park."),
        (State.HELD, "remove", State.REMOVED, "Removed: the comment by Jo Park."),
        (State.REMOVED, "restore", State.PUBLISHED, "Restored: the comment by Jo Park."),
        (State.SPAM, "restore", State.PUBLISHED, "Restored: the comment by Jo Park."),
        (State.PUBLISHED, "spam", State.SPAM, "Marked as spam: the comment by Jo Park."),
    ],
)
def test_a_row_button_acts_and_comes_back_to_the_same_queue_page(author_client, author, post, start, action, end, said):
    target = comment(post, text="Hello", state=start, reason=Reason.CLEAN, name="Jo Park")
    back = f"{QUEUE}?state={start}&post={post.pk}"
    response = author_client.post(act_url(target, action, back.replace("?", "%3F").replace("&", "%26")))
    assert response.status_code == 302
    assert response["Location"] == back
    assert state_of(target) == end
    row = Moderation.objects.get(comment_id=target.pk)
    assert row.decided_by == author and row.reason == Reason.MODERATOR
    page = author_client.get(response["Location"]).content.decode()
    assert said in page


def test_a_button_that_no_longer_applies_says_so_and_changes_nothing(author_client, post, held):
    response = author_client.post(act_url(held, "restore"), follow=True)
    assert "Nothing changed: the comment by Jo Park is held for review." in response.content.decode()
    assert state_of(held) == State.HELD


def test_a_row_button_answers_fetch_with_json(author_client, post, held):
    response = author_client.post(act_url(held, "approve"), **JSON)
    assert response.status_code == 200
    answer = json.loads(response.content)
    assert answer["ok"] is True
    assert answer["message"] == "Approved: the comment by Jo Park."
    assert answer["state"] == State.PUBLISHED
    assert answer["state_label"] == "Published"
    assert "approved by Dana Writer" in answer["history"]
    applies = {a["name"]: a["applies"] for a in answer["actions"]}
    assert applies == {"approve": False, "spam": True, "remove": True, "restore": False, "keep": False}
    assert answer["can_reply"] is True
    # fetch gets no message left over for the next page
    assert "Approved: the comment" not in author_client.get(QUEUE).content.decode()


def test_a_get_changes_nothing(author_client, post, held):
    assert author_client.get(act_url(held, "approve")).status_code == 405
    assert state_of(held) == State.HELD


def test_an_unknown_action_is_not_found(author_client, post, held):
    assert author_client.post(act_url(held, "delete")).status_code == 404
    assert author_client.post(f"{QUEUE}999999/do/approve/").status_code == 404


def test_row_buttons_refuse_anyone_but_staff(post, held):
    anonymous = Client()
    response = anonymous.post(act_url(held, "approve"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    reader = Client()
    reader.force_login(UserFactory(username="reader"))
    response = reader.post(act_url(held, "approve"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert reader.post(reply_url(held), {"text": "Sneaky"}).status_code == 302
    assert state_of(held) == State.HELD
    assert XtdComment.norel_objects.count() == 1


def test_row_buttons_need_the_csrf_token(author, post, held):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(author)
    assert browser.post(act_url(held, "approve")).status_code == 403
    assert state_of(held) == State.HELD

    page = browser.get(QUEUE).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    formaction = re.search(r'formaction="([^"]+/do/approve/[^"]*)"', page).group(1).replace("&amp;", "&")
    response = browser.post(formaction, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert state_of(held) == State.PUBLISHED
    # fetch sends the token as a header
    assert browser.post(act_url(held, "remove"), HTTP_X_CSRFTOKEN=token, **JSON).status_code == 200
    assert state_of(held) == State.REMOVED


def test_next_never_leaves_the_site(author_client, post, held):
    response = author_client.post(act_url(held, "approve", "https://evil.example/"))
    assert response["Location"] == QUEUE


# Reply from the queue ---------------------------------------------------------------------------------


def test_reply_page_without_javascript(author_client, post, held):
    html = author_client.get(reply_url(held)).content.decode()
    assert "Reply to Jo Park" in html
    assert "<em>work</em>" in html
    assert 'name="text"' in html and "Replying approves this comment." in html
    assert f'href="{reply_url(held)}' in author_client.get(QUEUE).content.decode()


def test_a_reply_lands_in_the_thread_as_the_author_and_approves_the_held_comment(author_client, author, post, held):
    response = author_client.post(reply_url(held), {"text": "Yes, *it* does.", "next": QUEUE})
    assert response.status_code == 302 and response["Location"] == QUEUE
    reply = XtdComment.norel_objects.select_related("moderation").latest("pk")
    assert reply.parent_id == held.pk and reply.thread_id == held.thread_id and reply.level == 1
    assert reply.user == author and reply.user_name == "Dana Writer" and reply.user_email == "dana@example.com"
    assert reply.moderation.state == State.PUBLISHED and reply.moderation.reason == Reason.TRUSTED
    assert reply.comment == "Yes, *it* does."
    assert state_of(held) == State.PUBLISHED
    assert "Approved the comment by Jo Park and posted your reply." in author_client.get(QUEUE).content.decode()
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "Does this <em>work</em> for remote jobs?" in page and "Yes, <em>it</em> does." in page


def test_a_reply_past_the_depth_limit_goes_where_the_public_form_puts_it(author_client, post):
    root = comment(post, text="Level 0")
    child = comment(post, text="Level 1", parent=root)
    deepest = comment(post, text="Level 2", parent=child)
    assert deepest.level == moderation.max_thread_level()
    author_client.post(reply_url(deepest), {"text": "An answer deep down."})
    reply = XtdComment.norel_objects.latest("pk")
    assert reply.comment == "An answer deep down."
    assert reply.parent_id == child.pk and reply.level == deepest.level


def test_a_reply_by_fetch_answers_json(author_client, post, held):
    response = author_client.post(reply_url(held), {"text": "Thanks!"}, **JSON)
    answer = json.loads(response.content)
    reply = XtdComment.norel_objects.latest("pk")
    assert answer["ok"] is True and answer["state"] == State.PUBLISHED
    assert answer["reply_url"] == f"{post.get_absolute_url()}#c{reply.pk}"


@pytest.mark.parametrize(
    ("text", "says"),
    [("", "Write your reply before sending it."), ("   \n ", "Write your reply before sending it.")],
)
def test_an_empty_reply_is_refused(author_client, post, held, text, says):
    response = author_client.post(reply_url(held), {"text": text})
    assert response.status_code == 400
    assert says in response.content.decode()
    assert XtdComment.norel_objects.count() == 1
    assert state_of(held) == State.HELD


def test_a_too_long_reply_is_refused_with_its_text_kept(author_client, post, held, settings):
    settings.COMMENT_MAX_LENGTH = 50
    text = "A long answer that keeps going " * 3
    response = author_client.post(reply_url(held), {"text": text})
    html = response.content.decode()
    assert response.status_code == 400
    assert "the limit is 50" in html
    assert text.strip() in html  # in the textarea, to shorten
    assert XtdComment.norel_objects.count() == 1 and state_of(held) == State.HELD

    answer = json.loads(author_client.post(reply_url(held), {"text": text}, **JSON).content)
    assert answer["ok"] is False and "the limit is 50" in answer["message"] and answer["text"] == text


def test_a_hidden_comment_gets_no_reply(author_client, post):
    spam = comment(post, text="Buy now", state=State.SPAM, reason=Reason.SPAM_WORD)
    response = author_client.post(reply_url(spam), {"text": "No."})
    assert response.status_code == 400
    assert "restore it before replying" in response.content.decode()
    assert XtdComment.norel_objects.count() == 1


# Tabs and Awaiting your reply ---------------------------------------------------------------------


def test_tabs_count_each_state(author_client, post):
    comment_factory(post, 3, state=State.HELD, reason=Reason.FIRST_COMMENT)
    comment_factory(post, 2, state=State.PUBLISHED)
    comment_factory(post, 1, state=State.SPAM, reason=Reason.SPAM_WORD)
    html = author_client.get(QUEUE).content.decode()
    tabs = html.split('class="queue-tabs"', 1)[1].split("</nav>", 1)[0]
    counts = dict(re.findall(r'data-tab="(\w+)"[^>]*>[^<]+ <span class="queue-count">\((\d+)\)', tabs))
    assert counts == {"held": "3", "published": "2", "spam": "1", "removed": "0", "reported": "0", "all": "6"}
    assert re.search(r'data-tab="held" aria-current="page"', tabs)
    assert "Awaiting your reply" in tabs
    # the state filter now lives in the tabs, not in the sidebar
    assert "By state" not in html.split('id="changelist-filter"', 1)[1]


def awaiting(client):
    html = client.get(QUEUE, {"state": "awaiting"}).content.decode()
    return [re.search(r'data-comment="(\d+)"', row).group(1) for row in rows(html)]


def test_awaiting_your_reply_lists_readers_questions_oldest_first(author_client, author, post):
    now = timezone.now()
    old = comment(post, text="What about remote jobs?", submitted=now - timezone.timedelta(days=3))
    named = comment(post, text="Dana, I tried this and it worked.", submitted=now - timezone.timedelta(days=2))
    comment(post, text="Great post.", submitted=now - timezone.timedelta(days=1))  # asks nothing
    comment(post, text="Held: what now?", state=State.HELD, reason=Reason.FIRST_COMMENT)  # not published
    comment(post, user=author, text="Any questions?")  # the author's own
    comment(post, user=StaffFactory(username="editor2"), text="Staff: anything?")  # staff
    assert awaiting(author_client) == [str(old.pk), str(named.pk)]


def test_a_question_answered_by_the_author_leaves_the_list(author_client, author, post):
    question = comment(post, text="Is it worth it?", submitted=timezone.now() - timezone.timedelta(hours=2))
    other = comment(post, text="And for students?", submitted=timezone.now() - timezone.timedelta(hours=1))
    comment(post, parent=question, text="A reader's answer is not the author's.")
    assert awaiting(author_client) == [str(question.pk), str(other.pk)]
    author_client.post(reply_url(question), {"text": "Yes."})
    assert awaiting(author_client) == [str(other.pk)]


def test_awaiting_your_reply_on_another_authors_post(author_client, author):
    someone = UserFactory(username="guest", first_name="Guest", email="guest@example.com")
    theirs = PostFactory(title="A guest post", author=someone)
    by_guest = comment(theirs, user=someone, text="Questions?")
    question = comment(theirs, text="Guest, why?")
    assert awaiting(author_client) == [str(question.pk)]
    assert str(by_guest.pk) not in awaiting(author_client)


# Query budgets --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 100])
@pytest.mark.parametrize("state", ["held", "all", "awaiting"])
def test_the_queue_page_runs_a_fixed_number_of_queries(
    author_client, author, count, state, django_assert_max_num_queries
):
    posts = bulk_posts(5, theme=PostFactory().theme, author=author)
    for n in range(count):
        target = comment(posts[n % 5], text=f"Question {n}?", state=State.HELD, reason=Reason.FIRST_COMMENT)
        if state != "held":
            moderation.approve([target], by=author)
    with django_assert_max_num_queries(9):  # session, user, post filter, count, rows, posts, history, reports, tabs
        response = author_client.get(QUEUE, {"state": state})
    assert len(rows(response.content.decode())) == count


@pytest.mark.parametrize("action", ["approve", "spam", "remove"])
def test_a_row_button_runs_a_fixed_number_of_queries(author_client, post, action, django_assert_max_num_queries):
    targets, _ = comment_factory(post, 50, state=State.HELD, reason=Reason.FIRST_COMMENT, replies_per_root=1)
    # Approve and Spam also teach the spam filter: a fixed handful of queries more.
    with django_assert_max_num_queries(20):
        author_client.post(act_url(targets[0], action), **JSON)
    with django_assert_max_num_queries(18):
        author_client.post(act_url(targets[1], action))


def test_a_reply_runs_a_fixed_number_of_queries(author_client, post, django_assert_max_num_queries):
    targets, _ = comment_factory(post, 50, state=State.HELD, reason=Reason.FIRST_COMMENT, replies_per_root=2)
    with django_assert_max_num_queries(31):  # approving the held parent teaches the spam filter too
        author_client.post(reply_url(targets[10]), {"text": "Thanks."})
    assert XtdComment.norel_objects.latest("pk").parent_id == targets[10].pk


@pytest.mark.parametrize("replies", [1, 30])
def test_the_change_page_runs_a_fixed_number_of_queries(author_client, post, replies, django_assert_max_num_queries):
    (root,), _ = comment_factory(post, 1, replies_per_root=replies)
    with django_assert_max_num_queries(8):
        response = author_client.get(f"{QUEUE}{root.pk}/change/")
    assert response.content.decode().count('class="queue-thread-item') == replies + 1


# The comment's own page -----------------------------------------------------------------------------


def test_the_change_page_shows_the_actions_and_the_thread(author_client, author, post):
    root = comment(post, text="The **root** comment.", name="Ann")
    middle = comment(
        post, text="A reply in the middle.", parent=root, state=State.HELD, reason=Reason.LINKS, name="Ben"
    )
    below = comment(post, text="An answer below it.", parent=middle, name="Cy")
    elsewhere = comment(post, text="Another thread.", name="Di")
    html = author_client.get(f"{QUEUE}{middle.pk}/change/").content.decode()
    assert "Comment by Ben" in html
    for action in ("approve", "spam", "remove"):
        assert f"{QUEUE}{middle.pk}/do/{action}/" in html
    assert "<strong>root</strong>" in html and "A reply in the middle." in html and "An answer below it." in html
    assert "Another thread." not in html
    assert html.index(f'id="c{root.pk}"') < html.index(f'id="c{middle.pk}"') < html.index(f'id="c{below.pk}"')
    assert f"{QUEUE}{elsewhere.pk}/delete/" not in html
    assert "deletelink" not in html
    assert author_client.get(f"{QUEUE}{middle.pk}/delete/").status_code == 403
    response = author_client.post(f"{QUEUE}{middle.pk}/do/approve/?next={QUEUE}{middle.pk}/change/")
    assert response["Location"] == f"{QUEUE}{middle.pk}/change/"
    assert state_of(middle) == State.PUBLISHED
    assert ModerationEvent.objects.filter(comment_id=middle.pk).count() == 2  # its first decision, then the approval
