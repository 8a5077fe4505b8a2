import datetime
import re

import pytest
from django.utils import timezone

from .factories import DraftFactory, PostFactory, ScheduledFactory, TagFactory, ThemeFactory, bulk_posts, pin

pytestmark = pytest.mark.django_db


def titles(post, **kwargs):
    return [entry.post.title for entry in post.relevant_discussions(**kwargs)]


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


@pytest.fixture
def tags():
    return [TagFactory(name=name) for name in ("networking", "referrals", "linkedin", "interviews")]


def test_ranked_by_number_of_shared_tags(tags):
    net, ref, li, _ = tags
    post = PostFactory(title="Base", tags=[net, ref, li])
    PostFactory(title="One shared", tags=[net])
    PostFactory(title="Three shared", tags=[net, ref, li])
    PostFactory(title="Two shared", tags=[ref, li])
    PostFactory(title="Nothing shared", tags=[tags[3]])
    assert titles(post) == ["Three shared", "Two shared", "One shared"]


def test_looks_at_the_newest_posts_of_each_tag(tags, monkeypatch):
    """On a large blog only each tag's most recently written posts are candidates: an old
    post still ranks when it is among the newest of any one of the tags it shares."""
    from blog import selectors

    monkeypatch.setattr(selectors, "CANDIDATES_PER_TAG", 3)
    net, ref, li, _ = tags
    post = PostFactory(title="Base", tags=[net, ref])
    PostFactory(title="Old, both tags", tags=[net, ref], published_at=days_ago(300))
    PostFactory(title="Oldest, networking", tags=[net], published_at=days_ago(400))
    for n in range(5):  # New 4 is the newest
        PostFactory(title=f"New {n}", tags=[net, li], published_at=days_ago(5 - n))
    assert titles(post, limit=5) == ["Old, both tags", "New 4", "New 3", "New 2"]  # New 1, New 0: too old


def test_ties_go_to_same_theme_then_newer(tags):
    net = tags[0]
    home, other = ThemeFactory(name="Networking"), ThemeFactory(name="Interviews")
    post = PostFactory(title="Base", theme=home, tags=[net])
    PostFactory(title="Other theme, newest", theme=other, tags=[net], published_at=days_ago(1))
    PostFactory(title="Same theme, older", theme=home, tags=[net], published_at=days_ago(9))
    PostFactory(title="Same theme, newer", theme=home, tags=[net], published_at=days_ago(3))
    assert titles(post) == ["Same theme, newer", "Same theme, older", "Other theme, newest"]


def test_pinned_first_in_author_order_without_duplicates(tags):
    net, ref = tags[0], tags[1]
    post = PostFactory(title="Base", tags=[net, ref])
    shares_both = PostFactory(title="Shares both", tags=[net, ref])
    pinned_b = PostFactory(title="Pinned B", tags=[net])
    pinned_a = PostFactory(title="Pinned A")  # shares nothing: pinned anyway
    pin(post, pinned_a, position=1)
    pin(post, pinned_b, position=2)
    pin(post, shares_both, position=3)
    entries = post.relevant_discussions()
    assert [e.post.title for e in entries] == ["Pinned A", "Pinned B", "Shares both"]
    assert [e.pinned for e in entries] == [True, True, True]


def test_shows_the_tags_each_entry_shares(tags):
    net, ref, li, _ = tags
    post = PostFactory(title="Base", tags=[net, ref])
    PostFactory(title="Other", tags=[ref, li, net])
    (entry,) = post.relevant_discussions()
    assert [t.name for t in entry.shared_tags] == ["networking", "referrals"]


def test_never_itself_a_draft_or_a_scheduled_post(tags):
    net = tags[0]
    post = PostFactory(title="Base", tags=[net])
    DraftFactory(title="Draft", tags=[net])
    ScheduledFactory(title="Scheduled", tags=[net])
    draft_pin = DraftFactory(title="Pinned draft")
    pin(post, draft_pin)
    PostFactory(title="Live", tags=[net])
    assert titles(post) == ["Live"]


def test_limit_defaults_to_setting_and_pins_always_show(tags, settings):
    settings.BLOG_RELEVANT_DISCUSSIONS_LIMIT = 3
    net = tags[0]
    post = PostFactory(title="Base", tags=[net])
    for n in range(6):
        PostFactory(title=f"Related {n}", tags=[net], published_at=days_ago(n + 1))
    assert titles(post) == ["Related 0", "Related 1", "Related 2"]
    assert len(titles(post, limit=5)) == 5
    pinned = [PostFactory(title=f"Pinned {n}") for n in range(4)]
    for position, target in enumerate(pinned):
        pin(post, target, position)
    assert titles(post) == ["Pinned 0", "Pinned 1", "Pinned 2", "Pinned 3"]


def test_post_without_tags_or_pins_has_none():
    post = PostFactory(title="Lonely")
    PostFactory(title="Other")
    assert titles(post) == []


@pytest.mark.parametrize("n_posts", [10, 1000])
def test_fixed_number_of_queries_whatever_the_size(n_posts, tags, django_assert_max_num_queries, client):
    net, ref, li, iv = tags
    post = PostFactory(title="Base", tags=[net, ref, li])
    bulk_posts(n_posts, theme=post.theme, author=post.author, tags_for=lambda n: [tags[n % 4], tags[(n + 1) % 4]])
    for position in range(3):
        pin(post, PostFactory(title=f"Pinned {position}"), position)
    fresh = type(post).objects.prefetch_related("tags").get(pk=post.pk)
    with django_assert_max_num_queries(4):
        entries = fresh.relevant_discussions()
        [tag.name for entry in entries for tag in entry.shared_tags]
    assert len(entries) == 5
    with django_assert_max_num_queries(12):
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="shared-tag"') == 4  # two ranked entries, two shared tags each


def discussion_items(html):
    section = html.split('id="relevant-discussions"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<li>(.*?)</li>", section, re.S)


def visible_text(fragment):
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split()).replace(" ,", ",")


def test_each_entry_says_in_words_why_it_is_listed(client, tags):
    net, ref, li, _ = tags
    post = PostFactory(title="Base", tags=[net, ref, li], published_at=days_ago(10))
    pin(post, PostFactory(title="Chosen", tags=[li], published_at=days_ago(40)))
    PostFactory(title="Related", tags=[ref, net], published_at=days_ago(30))
    PostFactory(title="Filler between", published_at=days_ago(20))  # the neighbours are not these
    PostFactory(title="Filler after", published_at=days_ago(5))
    items = [visible_text(item) for item in discussion_items(client.get(post.get_absolute_url()).content.decode())]
    assert items == ["Chosen Pinned by the author · Shares: linkedin", "Related Shares: networking, referrals"]
    assert "visually-hidden" not in "".join(discussion_items(client.get(post.get_absolute_url()).content.decode()))


def test_no_post_is_both_in_relevant_discussions_and_previous_or_next(client, tags):
    net, ref, *_ = tags
    older = PostFactory(title="Older neighbour", tags=[net, ref], published_at=days_ago(30))
    post = PostFactory(title="Base", tags=[net, ref], published_at=days_ago(20))
    newer = PostFactory(title="Newer neighbour", tags=[net, ref], published_at=days_ago(10))
    other = PostFactory(title="Further away", tags=[net], published_at=days_ago(50))
    html = client.get(post.get_absolute_url()).content.decode()
    listed = [visible_text(item).split(" Shares:")[0] for item in discussion_items(html)]
    nav = re.search(r'<nav class="post-nav".*?</nav>', html, re.S).group(0)
    assert listed == [other.title]  # the neighbours are in the Previous/Next cards instead
    assert older.title in nav and newer.title in nav

    pin(post, newer)  # the author's choice stays, and the Next card gives way
    html = client.get(post.get_absolute_url()).content.decode()
    listed = [visible_text(item).split(" Pinned")[0].split(" Shares:")[0] for item in discussion_items(html)]
    nav = re.search(r'<nav class="post-nav".*?</nav>', html, re.S).group(0)
    assert listed == [newer.title, other.title]
    assert newer.title not in nav and older.title in nav
