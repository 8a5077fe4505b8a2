"""Suggested tags and Relevant Discussions from the text (suggestions/): the index kept on save,
the editor's endpoint and panel, the gaps page, and Relevant Discussions filled by similarity."""

import io

import pytest
from django.core.management import call_command

from blog.models import Post, Tag
from suggestions import index
from suggestions.engine import similar_posts, suggest
from suggestions.models import Posting, PostTerms, TermStat

from .factories import DraftFactory, PostFactory, ScheduledFactory, TagFactory, WriterFactory, bulk_posts, pin

pytestmark = pytest.mark.django_db

SUGGEST = "/admin/suggestions/postterms/suggest/"
GAPS = "/admin/suggestions/postterms/"
SOCIAL = {"Social Media and Job Search", "Revisit Social Media and Job Search", "Social Media Job Search Tactics"}

REFERRAL_TEXT = (
    "Most people I know were hired by referral. Personal connections open doors: a former colleague "
    "passes your name on, and the hiring manager calls. Ask for a referral politely."
)


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    index.rebuild()  # the tests do not run on_commit callbacks: index as the worker would have


@pytest.fixture
def writer_client(client):
    client.force_login(WriterFactory(username="writer"))
    return client


def test_the_personal_connections_post_is_offered_the_three_social_media_posts(demo):
    post = Post.objects.get(slug="personal-connections-still-get-people-hired")
    found = suggest(
        title=post.title, summary=post.summary, body=post.body, post_id=post.pk, tag_ids=[t.pk for t in post.tags.all()]
    )
    titles = [s.post.title for s in found.posts]
    assert set(titles) >= SOCIAL, titles
    assert post.title not in titles
    first = found.posts[0]
    assert first.reason.startswith("shares: ") and "similar text: ‘social media’" in first.reason


def test_the_three_social_media_posts_come_from_the_text_alone_too(demo):
    post = Post.objects.get(slug="personal-connections-still-get-people-hired")
    found = suggest(title=post.title, summary=post.summary, body=post.body, post_id=post.pk)
    assert {s.post.title for s in found.posts} >= SOCIAL


def test_every_demo_post_gets_two_of_its_own_tags_back_in_the_top_five_with_its_tags_hidden(demo):
    misses = []
    for post in Post.objects.prefetch_related("tags"):
        real = {tag.name for tag in post.tags.all()}
        found = suggest(title=post.title, summary=post.summary, body=post.body, post_id=post.pk)
        top = [t.name for t in found.tags[:5]]
        if len(real & set(top)) < 2:
            misses.append((post.title, sorted(real), top))
    assert not misses


def test_a_saved_post_is_indexed_by_the_task_queue_and_reindexed_when_its_text_changes(
    theme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(title="Salary negotiation basics", body="Negotiate the salary after the offer.", theme=theme)
    terms = PostTerms.objects.get(post=post)
    assert "salary" in terms.terms and "salary" in terms.vocabulary.split()
    assert TermStat.objects.get(term="salary").documents == 1
    with django_capture_on_commit_callbacks(execute=True):
        post.title, post.body = "Remote work", "Working remotely from home."
        post.save()
    assert not Posting.objects.filter(post=post, term="salary").exists()
    assert Posting.objects.filter(post=post, term="remot").exists()
    assert TermStat.objects.get(term="salary").documents == 0
    post.delete()
    assert TermStat.objects.get(term="remot").documents == 0
    assert not PostTerms.objects.exists()


def test_a_save_that_leaves_the_text_alone_does_not_reindex(theme):
    post = PostFactory(title="Referrals", body=REFERRAL_TEXT, theme=theme)
    assert index.index_post(post.pk) is True
    assert index.index_post(post.pk) is False


def test_drafts_and_scheduled_posts_are_never_suggested(theme, writer_client):
    public = PostFactory(title="Hired by referral", body=REFERRAL_TEXT, theme=theme)
    draft = DraftFactory(title="Hired by referral (draft)", body=REFERRAL_TEXT, theme=theme)
    scheduled = ScheduledFactory(title="Hired by referral (scheduled)", body=REFERRAL_TEXT, theme=theme)
    index.rebuild()
    found = suggest(title="Referrals", body=REFERRAL_TEXT)
    assert [s.post for s in found.posts] == [public]
    answer = writer_client.post(SUGGEST, {"title": "Referrals", "body": REFERRAL_TEXT}).json()
    assert [p["id"] for p in answer["posts"]] == [public.pk]
    assert similar_posts(draft) == [(public, similar_posts(draft)[0][1])]
    assert scheduled.pk not in [p.pk for p, _ in similar_posts(public)]


def test_a_tag_named_in_the_text_or_carried_by_similar_posts_is_suggested_with_its_reason(theme):
    referrals = TagFactory(name="referrals")
    unrelated = TagFactory(name="astronomy")
    PostFactory(title="Ask for a referral", body=REFERRAL_TEXT, theme=theme, tags=[referrals])
    index.rebuild()
    found = suggest(title="Connections", body="Personal connections get people hired by referral.")
    names = [t.name for t in found.tags]
    assert names[0] == "referrals" and "astronomy" not in names
    assert "on 1 similar post: “Ask for a referral”" in found.tags[0].reason
    assert not found.tags[0].is_new
    assert unrelated.pk  # exists, but nothing points at it


def test_a_new_tag_is_proposed_only_when_several_other_posts_share_the_phrase(theme):
    text = "Salary negotiation is a skill. Practise salary negotiation with a friend."
    PostFactory(title="One", body=text, theme=theme)
    PostFactory(title="Two", body=text, theme=theme)
    index.rebuild()
    assert not [t for t in suggest(title="Pay", body=text).tags if t.is_new]
    PostFactory(title="Three", body=text, theme=theme)
    index.rebuild()
    new = [t for t in suggest(title="Pay", body=text).tags if t.is_new]
    assert [t.name for t in new] == ["salary negotiation"]
    assert new[0].reason == "new tag: 3 other posts also say ‘salary negotiation’"


def test_already_chosen_tags_are_not_suggested_again(theme):
    referrals = TagFactory(name="referrals")
    PostFactory(title="Ask for a referral", body=REFERRAL_TEXT, theme=theme, tags=[referrals])
    index.rebuild()
    assert "referrals" not in [t.name for t in suggest(body=REFERRAL_TEXT, tag_ids=[referrals.pk]).tags]


@pytest.mark.parametrize("n_posts", [10, 300])
def test_suggestions_take_a_fixed_number_of_queries(n_posts, theme, django_assert_max_num_queries):
    tags = [TagFactory(name=f"topic {n}") for n in range(5)]
    posts = bulk_posts(
        n_posts, theme=theme, author=PostFactory(theme=theme).author, tags_for=lambda n: tags[n % 5 :][:2]
    )
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(body=REFERRAL_TEXT)
    index.rebuild()
    with django_assert_max_num_queries(9):
        found = suggest(title="Referrals", body=REFERRAL_TEXT, tag_ids=[tags[0].pk, tags[1].pk], post_id=posts[0].pk)
    assert len(found.posts) == 8
    with django_assert_max_num_queries(4):
        assert len(similar_posts(posts[0], limit=5)) == 5


def test_the_endpoint_answers_with_reasons_for_the_unsaved_text(theme, writer_client):
    referrals = TagFactory(name="referrals")
    other = PostFactory(title="Ask for a referral", body=REFERRAL_TEXT, theme=theme, tags=[referrals])
    index.rebuild()
    response = writer_client.post(
        SUGGEST, {"title": "Hired", "body": "Hired by referral through personal connections.", "tags": ["new:Pay"]}
    )
    assert response.status_code == 200 and response["Cache-Control"].startswith("no-store")
    data = response.json()
    assert data["posts"][0]["id"] == other.pk
    assert data["posts"][0]["url"] == other.get_absolute_url()
    assert "similar text: ‘hired by referral’" in data["posts"][0]["reason"]
    assert data["tags"][0] == {
        "value": str(referrals.pk),
        "name": "referrals",
        "new": False,
        "reason": "on 1 similar post: “Ask for a referral”; the text says ‘referral’",
    }
    assert not Post.objects.filter(title="Hired").exists()  # nothing saved


@pytest.mark.parametrize(
    "data, message",
    [
        ({"post": "abc"}, "numbers"),
        ({"tags": ["1", "x"]}, "numbers"),
        ({"post": str(2**70)}, "range"),
        ({"body": "x" * 100_001}, "longer"),
    ],
)
def test_bad_input_to_the_endpoint_is_a_400_with_a_message(writer_client, data, message):
    response = writer_client.post(SUGGEST, data)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_the_endpoint_is_for_writers_only(client, theme):
    assert client.post(SUGGEST, {"body": "x"}).status_code == 302  # to the login page
    client.force_login(WriterFactory(username="reader-staff"))
    assert client.get(SUGGEST).status_code == 405
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("nobody", password="x", is_staff=True)
    client.force_login(nobody)
    assert client.post(SUGGEST, {"body": "x"}).status_code == 403
    assert client.get(GAPS).status_code == 403


def test_the_editor_carries_the_panel_for_a_new_and_a_saved_post(writer_client, theme):
    post = PostFactory(theme=theme)
    for url, pk in (("/admin/blog/post/add/", ""), (f"/admin/blog/post/{post.pk}/change/", str(post.pk))):
        html = writer_client.get(url).content.decode()
        assert 'id="suggestions-panel"' in html
        assert f'data-url="{SUGGEST}" data-post="{pk}"' in html
        assert "suggestions/suggestions.js" in html
        # after the pinned Relevant Discussions, before Publishing
        assert html.index('id="pins-group"') < html.index('id="suggestions-panel"') < html.index("Publishing")


def test_the_gaps_page_lists_lonely_posts_and_single_use_tags_with_suggestions(writer_client, theme):
    shared, once = TagFactory(name="interviews"), TagFactory(name="referrals")
    PostFactory(title="Interview one", theme=theme, tags=[shared])
    PostFactory(title="Interview two", theme=theme, tags=[shared])
    lonely = PostFactory(title="Referrals matter", body=REFERRAL_TEXT, theme=theme, tags=[once])
    PostFactory(title="A referral story", body=REFERRAL_TEXT, theme=theme)
    pinned_only = PostFactory(title="Pinned only", theme=theme)
    pin(pinned_only, lonely)
    index.rebuild()
    html = writer_client.get(GAPS).content.decode()
    lonely_section, tags_section = html.split('id="single-heading"')
    assert "Referrals matter" in lonely_section and "Could pin “A referral story”" in lonely_section
    assert "Interview one" not in lonely_section and "Pinned only" not in lonely_section
    assert "referrals" in tags_section and "interviews" not in tags_section
    assert "Could also go on:" in tags_section and "A referral story" in tags_section


@pytest.mark.parametrize("n_posts", [5, 60])
def test_the_gaps_page_takes_a_number_of_queries_bounded_by_its_page_size(
    n_posts, writer_client, theme, django_assert_max_num_queries
):
    author = PostFactory(theme=theme).author
    bulk_posts(n_posts, theme=theme, author=author)
    for n in range(n_posts // 5):
        TagFactory(name=f"once {n}").posts.add(Post.objects.order_by("pk")[n])
    index.rebuild()
    with django_assert_max_num_queries(120):
        assert writer_client.get(GAPS).status_code == 200


def test_the_desk_lists_the_gaps_page(writer_client):
    assert GAPS in writer_client.get("/admin/").content.decode()


class TestRelevantDiscussionsFilledBySimilarity:
    @pytest.fixture
    def posts(self, theme):
        tag = TagFactory(name="referrals")
        post = PostFactory(title="Hired by referral", body=REFERRAL_TEXT, theme=theme, tags=[tag])
        alike = PostFactory(title="Referrals, again", body=REFERRAL_TEXT, theme=theme)
        DraftFactory(title="A draft about referrals", body=REFERRAL_TEXT, theme=theme)
        ScheduledFactory(title="Referrals, scheduled", body=REFERRAL_TEXT, theme=theme)
        index.rebuild()
        return post, alike

    def test_off_by_default(self, posts):
        assert posts[0].relevant_discussions() == []

    def test_on_it_fills_the_list_with_public_posts_marked_similar(self, posts, settings, client):
        settings.BLOG_RELATED_FILL_SIMILAR = 3
        post, alike = posts
        entries = post.relevant_discussions()
        assert [e.post for e in entries] == [alike]
        assert entries[0].similar and not entries[0].shared_tags and not entries[0].pinned
        html = client.get(post.get_absolute_url()).content.decode()
        assert "Referrals, again" in html and "Similar: " in html
        assert "draft" not in html.lower().split("relevant discussions")[1].split("</section>")[0]
        assert "scheduled" not in html.lower().split("relevant discussions")[1].split("</section>")[0]

    def test_not_when_enough_posts_share_tags(self, posts, settings, theme):
        settings.BLOG_RELATED_FILL_SIMILAR = 1
        post, _alike = posts
        PostFactory(title="Tagged too", theme=theme, tags=list(post.tags.all()))
        assert [e.post.title for e in post.relevant_discussions()] == ["Tagged too"]

    @pytest.mark.parametrize("n_posts", [10, 200])
    def test_in_a_fixed_number_of_queries(self, n_posts, posts, settings, theme, django_assert_max_num_queries):
        settings.BLOG_RELATED_FILL_SIMILAR = 5
        post, _ = posts
        bulk = bulk_posts(n_posts, theme=theme, author=post.author)
        Post.objects.filter(pk__in=[p.pk for p in bulk]).update(body=REFERRAL_TEXT)
        index.rebuild()
        post = Post.objects.prefetch_related("tags").get(pk=post.pk)
        with django_assert_max_num_queries(8):
            entries = post.relevant_discussions()
        assert len(entries) == 5 and all(e.post.is_public for e in entries)


def test_rebuild_command_reports_the_count(theme):
    PostFactory(theme=theme)
    out = io.StringIO()
    call_command("suggestions_index", stdout=out)
    assert out.getvalue().strip() == "Indexed 1 post(s)."
    assert Tag.objects.count() == 0


def test_an_empty_new_post_gets_an_empty_answer_not_an_error(writer_client, theme):
    PostFactory(title="Ask for a referral", body=REFERRAL_TEXT, theme=theme)
    index.rebuild()
    response = writer_client.post(SUGGEST, {"title": "", "body": "", "summary": ""})
    assert response.status_code == 200
    assert response.json() == {"posts": [], "tags": []}
