"""The one writer of comments: every comment is created and changed here, nowhere else.

- `create()`: a comment posted by a reader (comments.posting) or confirmed by email: the
  thread lock, xtd's thread data, the moderation row with its rendered HTML, the mail tasks.
- `seed()`, `seed_many()` and `seed_threads()`: demo and imported comments (the `content`
  app), one at a time, a whole post's thread, or many posts' threads in a few queries; no
  mail (they were answered long ago).
- `approve()`, `mark_spam()`, `remove()`, `restore()`, `report()`: changes of state; each
  takes one comment or many and runs a fixed number of queries however many it is given.
- `adopt()`: the moderation row of a comment made outside this module (django-comments-xtd
  itself, the shell), from its xtd flags.

xtd's flags always follow the state, by one table (`FLAGS`), whichever function wrote them.
Every write ends in `pages_changed()`, the one place that tells the page caches (blog.cache_keys.purge). What decides
a new comment's state lives in comments.rules (reads only); `PostCommentModerator` below is
xtd's hook, a thin adapter over those rules for xtd's own entry points.
"""

import ipaddress
from contextlib import contextmanager

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, F, Max, Min, Q, Value
from django.db.models.functions import Cast, Concat
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.html import linebreaks
from django_comments.models import Comment
from django_comments_xtd.models import XtdComment, publish_or_unpublish_on_pre_save
from django_comments_xtd.moderation import XtdCommentModerator, moderator

from blog.markup import MarkupRejected, MarkupTooLong, render_html, render_markdown
from blog.models import Post

from . import rules, spam
from .models import Moderation, ModerationEvent, Reason, Report, State, XtdThreadRow
from .rules import STATE_FOR_OUTCOME, Outcome

# xtd's flags for each state: hidden unless published; removed and spam are "removed" to xtd.
FLAGS = {
    State.PUBLISHED: {"is_public": True, "is_removed": False},
    State.HELD: {"is_public": False, "is_removed": False},
    State.SPAM: {"is_public": False, "is_removed": True},
    State.REMOVED: {"is_public": False, "is_removed": True},
}


def state_from_flags(is_public, is_removed):
    """The state of a comment that only has xtd's flags (made outside this module)."""
    if is_removed:
        return State.REMOVED
    return State.PUBLISHED if is_public else State.HELD


def pages_changed(reason, post_ids=(), *, comment_ids=()):
    """What every comment write calls: the cached pages that show (or count) these comments go.

    `post_ids`: the posts whose comments changed, or `comment_ids`: the comments (their posts
    are looked up, one query). The keys are blog.cache_keys': each post's thread and counts,
    and the feeds of comments. Neither given: every page (a change of unknown reach).
    """
    from blog import cache_keys

    ids = {int(pk) for pk in post_ids}
    if comment_ids:
        objects = XtdComment.norel_objects.filter(pk__in=list(comment_ids)).values_list("object_pk", flat=True)
        ids.update(int(pk) for pk in objects if str(pk).isdecimal())
    if not ids and not comment_ids:
        cache_keys.purge_all(reason)
        return
    cache_keys.purge(*(cache_keys.comments(pk) for pk in sorted(ids)), cache_keys.COMMENTS_FEED)


def render_comment(text):
    try:
        return render_markdown(text, profile="comment")
    except (MarkupTooLong, MarkupRejected):
        # The form already refused these; an imported comment (HTML, from WordPress or Blogger)
        # may still be one: its HTML is kept, with the readers' allowlist, in paragraphs.
        return render_html(linebreaks(text, autoescape=False), profile="comment", check_length=False)


def max_thread_level():
    """The deepest level (0-based) a comment on a post may have."""
    by_model = getattr(settings, "COMMENTS_XTD_MAX_THREAD_LEVEL_BY_APP_MODEL", {})
    return by_model.get("blog.post", getattr(settings, "COMMENTS_XTD_MAX_THREAD_LEVEL", 0))


def reply_parent(parent, *, level_of, parent_of):
    """What a reply to `parent` hangs under: `parent`, or past the depth limit its deepest
    allowed ancestor (None: the reply becomes a top-level comment). The one threading rule,
    for the reply form and for imports alike; `level_of` and `parent_of` read the tree."""
    top = max_thread_level()
    while parent is not None and level_of(parent) >= top:
        parent = parent_of(parent) if level_of(parent) > 0 else None
    return parent


def _post_content_type():
    return ContentType.objects.get_for_model(Post)


def _ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def _url(value):
    """Only http(s) addresses are kept as the commenter's website (the form allows no other)."""
    value = (value or "").strip()
    return value[:200] if value.lower().startswith(("http://", "https://")) else ""


def _fields(*, user=None, name="", email="", url="", ip=None, submitted=None, text=""):
    return {
        "user": user,
        "user_name": (name or "")[:50],
        "user_email": (email or "")[:254],
        "user_url": _url(url),
        "ip_address": _ip(ip),
        "submit_date": submitted or timezone.now(),
        "comment": text,
    }


def _save_new(post, *, parent_id, state, fields, followup=False, parent=None):
    """Store a new comment in `state`'s flags, placed in its thread as xtd's save() would.

    xtd's save() inserts, then saves both tables again, and for a reply counts, reads
    Min/Max("order") and walks the ancestors, unlocked: concurrent replies got duplicate
    positions (and deadlocks). Here: the thread's root row is locked until commit, so
    replies within one thread are placed one at a time (PostgreSQL; SQLite serializes
    writes anyway; other threads are not held up), the position is read in one query, and
    each table is written once. tests/test_moderation.py compares the result with xtd's.
    """
    base = Comment.objects.create(
        content_type=_post_content_type(),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        **fields,
        **FLAGS[state],
    )
    thread = {"thread_id": base.pk, "parent_id": base.pk, "level": 0, "order": 1}
    if parent_id:
        thread = _place_reply(parent_id, parent)
    comment = XtdComment(comment_ptr=base, followup=followup, nested_count=0, **thread)
    comment.__dict__.update({f.attname: getattr(base, f.attname) for f in Comment._meta.concrete_fields})
    # raw: the parent row is saved already; xtd's pre_save receiver and adopt_foreign skip it.
    comment.save_base(raw=True, force_insert=True)
    return comment


def _place_reply(parent_id, parent=None):
    """Thread data for a new reply to `parent_id` (xtd's _calculate_thread_data, locked).

    `parent`: the parent XtdComment when the caller has it (the comment form does).
    """
    threads = XtdComment.norel_objects
    fields = ("pk", "thread_id", "parent_id", "level", "order")
    # The thread never changes, so it can be taken from the caller's copy; the parent's place
    # in it can (another reply may have shifted it): read it again once the thread is locked.
    if parent is not None and parent.pk == parent_id:
        thread_id = parent.thread_id
    else:
        thread_id = threads.filter(pk=parent_id).values_list("thread_id", flat=True).get()
    threads.select_for_update().filter(pk=thread_id).values_list("pk").first()  # the lock
    parent = threads.filter(pk=parent_id).values(*fields).get()
    in_thread = threads.filter(thread_id=parent["thread_id"])
    # The reply goes after the parent's subtree: before the next comment at the parent's level
    # or above, or at the end of the thread.
    place = in_thread.aggregate(
        next=Min("order", filter=Q(order__gt=parent["order"], level__lte=parent["level"])), last=Max("order")
    )
    if place["next"] is not None:
        in_thread.filter(order__gte=place["next"]).update(order=F("order") + 1)
        order = place["next"]
    else:
        order = place["last"] + 1
    ancestors = [parent["pk"]]
    if parent["level"] > 0:
        ancestors.append(parent["parent_id"])
        ancestors.extend(_ancestors(parent["parent_id"], parent["level"] - 1))
    in_thread.filter(pk__in=ancestors).update(nested_count=F("nested_count") + 1)
    return {"thread_id": parent["thread_id"], "parent_id": parent["pk"], "level": parent["level"] + 1, "order": order}


def _ancestors(pk, level):
    """Ids above comment `pk` (at `level`), nearest first; no query for levels 0 and 1."""
    found = []
    while level > 0:
        pk = XtdComment.norel_objects.filter(pk=pk).values_list("parent_id", flat=True).get()
        found.append(pk)
        level -= 1
    return found


def create(post, decision, *, parent_id=None, parent=None, followup=False, by=None, body_html=None, **fields):
    """A comment posted on `post` (already decided: a Decision that is not a rejection).

    Fields: user, name, email, url, ip, submitted, text; `parent`: the XtdComment replied to,
    when the caller has it loaded (saves reading it again); `body_html`: the text already
    rendered by blog.markup (the form rendered it to check it). Returns the XtdComment, with
    `.moderation`. Its followers and the post's author hear of it from tasks, after commit.
    """
    from .notifications import enqueue_new_comment_notifications

    state = STATE_FOR_OUTCOME[decision.outcome]
    # No savepoint: inside a caller's transaction, a failure here fails the caller's unit too.
    with transaction.atomic(savepoint=False):
        comment = _save_new(
            post, parent_id=parent_id, state=state, fields=_fields(**fields), followup=followup, parent=parent
        )
        comment.moderation = Moderation.objects.create(
            comment=comment,
            state=state,
            reason=decision.reason,
            note=decision.note,
            decided_by=by,
            body_html=render_comment(comment.comment) if body_html is None else body_html,
            announced=state == State.PUBLISHED,  # comments.notifications tells its followers now
        )
        ModerationEvent.objects.create(
            comment=comment, state=state, reason=decision.reason, decided_by=by, note=decision.note
        )
    enqueue_new_comment_notifications(comment.pk, decision)
    from .privacy import schedule_retention

    schedule_retention()  # old addresses erased by the task worker, at most once a day
    if state == State.PUBLISHED:
        pages_changed("comment published", [post.pk])
    return comment


def seed(post, *, parent_id=None, state=State.PUBLISHED, reason=Reason.SEEDED, render=render_comment, **fields):
    """One demo or imported comment on `post` (a reply when parent_id is given). No mail.

    `render`: text -> sanitized HTML; the Markdown of a reader's comment by default, an
    importer's own for the HTML of an exported comment (blog.markup.render_html).
    """
    with transaction.atomic():
        comment = _save_new(post, parent_id=parent_id, state=state, fields=_fields(**fields))
        comment.moderation = Moderation.objects.create(
            comment=comment,
            state=state,
            reason=reason,
            body_html=render(comment.comment),
            announced=state == State.PUBLISHED,  # never announced: nobody is told of old comments
        )
        ModerationEvent.objects.create(comment=comment, state=state, reason=reason)
    pages_changed("comment seeded", [post.pk])
    return comment


@contextmanager
def seeding():
    """Wrap a run of seed() calls: xtd's pre_save receiver is off meanwhile.

    On every save of an existing comment, that receiver looks for the comment's replies by
    parent_id, a column xtd does not index: a full scan of the comment table, twice, for
    each comment created (save() saves twice). For a comment just created it finds nothing
    and changes nothing (no replies yet, nested_count 0), so skipping it changes no data and
    keeps an import of thousands of comments linear.
    """
    disconnected = pre_save.disconnect(publish_or_unpublish_on_pre_save, sender=XtdComment)
    try:
        yield
    finally:
        if disconnected:
            pre_save.connect(publish_or_unpublish_on_pre_save, sender=XtdComment)


def seed_many(post, rows, *, reason=Reason.SEEDED, render=render_comment):
    """Many demo or imported comments on `post` at once: {key: pk}.

    Each row is (key, parent_key, state, fields), fields as for seed(). For new threads
    only: every parent_key is None or the key of an earlier row. xtd's comment inherits
    django_comments' Comment through a second table, which bulk_create cannot fill in one
    go: the base rows are bulk-created, then xtd's rows (comments.models.XtdThreadRow), then
    the moderation rows: three inserts for the whole thread. A test compares the result with
    seed()'s one-by-one path. `render` as for seed().
    """
    return seed_threads([(post, rows)], reason=reason, render=render)[0]


def seed_threads(threads, *, reason=Reason.SEEDED, render=render_comment):
    """seed_many() for several posts in the same few queries: [(post, rows)] -> [{key: pk}], in order.

    Keys need only be unique within one post's rows.
    """
    threads = [(post, rows) for post, rows in threads]
    everything = [(index, post, row) for index, (post, rows) in enumerate(threads) for row in rows]
    if not everything:
        return [{} for _thread in threads]
    content_type = _post_content_type()
    base = Comment.objects.bulk_create(
        Comment(
            content_type=content_type,
            object_pk=str(post.pk),
            site_id=settings.SITE_ID,
            **_fields(**row[3]),
            **FLAGS[row[2]],
        )
        for _index, post, row in everything
    )
    pks = [{} for _thread in threads]
    for (index, _post, row), comment in zip(everything, base, strict=True):
        pks[index][row[0]] = comment.pk
    thread_rows = []
    for index, (_post, rows) in enumerate(threads):
        layout = _thread_layout([(key, parent_key) for key, parent_key, *_ in rows])
        ids = pks[index]
        thread_rows += [
            XtdThreadRow(
                comment_ptr_id=ids[key],
                thread_id=ids[root],
                parent_id=ids[parent] if parent is not None else ids[key],
                level=level,
                order=order,
                nested_count=nested,
            )
            for key, (root, parent, level, order, nested) in layout.items()
        ]
    XtdThreadRow.objects.bulk_create(thread_rows)
    Moderation.objects.bulk_create(
        Moderation(
            comment_id=pks[index][row[0]],
            state=row[2],
            reason=reason,
            body_html=render(row[3].get("text", "")),
            announced=row[2] == State.PUBLISHED,
        )
        for index, _post, row in everything
    )
    ModerationEvent.objects.bulk_create(
        ModerationEvent(comment_id=pks[index][row[0]], state=row[2], reason=reason) for index, _post, row in everything
    )
    pages_changed("comments seeded", [post.pk for post, _rows in threads])
    return pks


def _thread_layout(pairs):
    """{key: (root key, parent key or None, level, order, nested_count)} for (key, parent key) pairs.

    The thread data xtd's save() would compute, in memory. A reply deeper than the site
    allows answers its deepest allowed ancestor (reply_parent()), as on the site. Order is
    the position in the thread in pre-order, children in insertion order (xtd inserts a
    reply at the end of its parent's subtree); nested_count counts all descendants.
    """
    level, parent_of, children, roots = {}, {}, {}, []
    for key, parent in pairs:
        if parent is not None:
            parent = reply_parent(parent, level_of=level.__getitem__, parent_of=parent_of.__getitem__)
        parent_of[key] = parent
        level[key] = 0 if parent is None else level[parent] + 1
        if parent is None:
            roots.append(key)
        else:
            children.setdefault(parent, []).append(key)
    nested = dict.fromkeys(parent_of, 0)
    for key, _parent in reversed(pairs):
        if parent_of[key] is not None:
            nested[parent_of[key]] += nested[key] + 1
    layout = {}
    for root in roots:
        order, stack = 0, [root]
        while stack:
            key = stack.pop()
            order += 1
            layout[key] = (root, parent_of[key], level[key], order, nested[key])
            stack.extend(reversed(children.get(key, [])))
    return layout


def update_seeded(comment_id, *, render=render_comment, **fields):
    """Bring an imported comment's author, date and text up to date; its state stays as it is."""
    values = _fields(**fields)
    user = values.pop("user")
    values["user_id"] = user.pk if user is not None else None
    XtdComment.norel_objects.filter(pk=comment_id).update(**values)
    Moderation.objects.filter(comment_id=comment_id).update(body_html=render(values["comment"]))
    pages_changed("comment updated", comment_ids=[comment_id])


def thread_positions(comment_ids):
    """{pk: (level, parent_id)} of the comments that still exist among `comment_ids`."""
    ids = list(comment_ids)
    positions = {}
    for start in range(0, len(ids), 500):
        rows = XtdComment.norel_objects.filter(pk__in=ids[start : start + 500]).values_list("pk", "level", "parent_id")
        positions.update({pk: (level, parent) for pk, level, parent in rows})
    return positions


def edit(comment, text, decision):
    """Its writer changed a comment's text (within COMMENTS_EDIT_WINDOW): it is decided again
    exactly as a new comment would be (`decision`, from comments.rules), and marked edited.

    Only a published or held comment is edited (a moderator's Spam or Remove in between
    wins). What the spam filter learned from the old text is taken back: it no longer
    describes the comment. No mail: the author finds a held edit in the queue.
    Returns True when the comment was edited.
    """
    state = STATE_FOR_OUTCOME[decision.outcome]
    now = timezone.now()
    with transaction.atomic():
        row = (
            Moderation.objects.select_for_update()
            .filter(comment_id=comment.pk, state__in=[State.PUBLISHED, State.HELD])
            .values_list("trained", "announced")
            .first()
        )
        if row is None:
            return False
        trained, announced = row
        if trained:
            _unlearn_old_text(comment, trained)
        XtdComment.norel_objects.filter(pk=comment.pk).update(comment=text, **FLAGS[state])
        Moderation.objects.filter(comment_id=comment.pk).update(
            state=state,
            reason=decision.reason,
            note=decision.note,
            decided_by=None,
            decided_at=now,
            body_html=render_comment(text),
            edited_at=now,
            trained="",
        )
        ModerationEvent.objects.create(
            comment_id=comment.pk, state=state, reason=decision.reason, decided_at=now, note=decision.note
        )
        if state == State.PUBLISHED and not announced:
            _announce([comment.pk])
    pages_changed("comment edited", [int(comment.object_pk)])
    return True


def _unlearn_old_text(comment, trained):
    post = Post.objects.filter(pk=int(comment.object_pk)).values_list("title", "summary").first() or ("", "")
    tokens = spam.features(
        text=comment.comment,
        name=comment.user_name,
        email=comment.user_email,
        url=comment.user_url,
        ip=comment.ip_address,
        post_words=spam.words_of(" ".join(post)),
    )
    spam.unlearn([tokens], label=trained)


def delete_own(comment):
    """Its writer deleted a comment (within the window): removed, as a moderator would."""
    return _change([comment.pk], State.REMOVED, by=None, reason=Reason.WRITER, only_from=[State.PUBLISHED, State.HELD])


def unfollow(*, thread_id, email):
    """No more follow-up mail about a thread for `email` (the unsubscribe link)."""
    XtdComment.norel_objects.filter(thread_id=thread_id, user_email__iexact=email, followup=True).update(followup=False)


# Privacy: what comments.privacy erases (this module stays the one writer of comments) ------


def forget_addresses(before):
    """Erase the network addresses stored before `before`: comments' IP addresses, and the
    hashed networks of reports (a report keeps counting, under a key that names no one).
    Returns (comments, reports) changed. Nothing a page shows changes."""
    comments = XtdComment.norel_objects.filter(submit_date__lt=before, ip_address__isnull=False).update(ip_address=None)
    reports = (
        Report.objects.filter(created_at__lt=before)
        .exclude(reporter__startswith="expired:")
        .update(
            reporter=Concat(Value("expired:"), Cast("pk", CharField()), output_field=CharField()),
            session="",
        )
    )
    return comments, reports


def anonymise(email):
    """Everything this engine keeps of `email` on comments, erased: the comments stay (replies
    hang under them, the thread reads on) as "Anonymous", with no email, website, address or
    account link, no follow-up mail, no reports and no moderation notes (a spam score's words
    may name a domain). Returns how many comments were anonymised."""
    ids = list(XtdComment.norel_objects.filter(user_email__iexact=email).values_list("pk", flat=True)) if email else []
    if not ids:
        return 0
    with transaction.atomic():
        XtdComment.norel_objects.filter(pk__in=ids).update(
            user=None, user_name=ANONYMOUS, user_email="", user_url="", ip_address=None, followup=False
        )
        Report.objects.filter(comment_id__in=ids).delete()
        Moderation.objects.filter(comment_id__in=ids).update(report_count=0, note="")
        ModerationEvent.objects.filter(comment_id__in=ids).update(note="")
    pages_changed("comments anonymised", comment_ids=ids)
    return len(ids)


ANONYMOUS = "Anonymous"


# Comments made elsewhere ---------------------------------------------------------------


def adopt(comment_ids=None):
    """Give comments without a moderation row one, from their xtd flags. Returns their ids.

    For comments made outside this module: by django-comments-xtd itself, the shell, or a
    site that used xtd before this engine. `comment_ids=None`: every such comment.
    """
    missing = XtdComment.norel_objects.filter(moderation__isnull=True)
    if comment_ids is not None:
        missing = missing.filter(pk__in=list(comment_ids))
    rows = list(missing.values_list("pk", "comment", "is_public", "is_removed"))
    Moderation.objects.bulk_create(
        (
            Moderation(
                comment_id=pk,
                state=state_from_flags(is_public, is_removed),
                reason=Reason.ADOPTED,
                body_html=render_comment(text),
                announced=True,  # it was visible (or not) before we knew of it: tell nobody now
            )
            for pk, text, is_public, is_removed in rows
        ),
        ignore_conflicts=True,
    )
    adopted = Moderation.objects.filter(comment_id__in=[row[0] for row in rows], reason=Reason.ADOPTED)
    ModerationEvent.objects.bulk_create(
        ModerationEvent(comment_id=pk, state=state, reason=Reason.ADOPTED)
        for pk, state in adopted.values_list("comment_id", "state")
    )
    removed = [pk for pk, _text, _public, is_removed in rows if is_removed]
    XtdComment.norel_objects.filter(pk__in=removed).update(**FLAGS[State.REMOVED])  # one set of flags
    if rows:
        pages_changed("comments adopted", comment_ids=[row[0] for row in rows])
    return [row[0] for row in rows]


def adopt_foreign(sender, instance, created, raw=False, **kwargs):
    """post_save of XtdComment: a comment saved by anyone but this module gets its row at once."""
    if created and not raw:  # this module saves raw (see _save_new)
        adopt([instance.pk])


# State changes -------------------------------------------------------------------------


def _ids(comments):
    if isinstance(comments, XtdComment | int):
        comments = [comments]
    return [c if isinstance(c, int) else c.pk for c in comments]


def _change(comments, state, *, by, reason=Reason.MODERATOR, only_from=None):
    """Set `state` on the comments (queryset updates: no per-comment queries). Returns their ids."""
    ids = _ids(comments)
    rows = Moderation.objects.filter(comment_id__in=ids)
    if only_from:
        rows = rows.filter(state__in=only_from)
    with transaction.atomic():
        locked = list(rows.select_for_update().values_list("comment_id", "comment__object_pk"))
        if not locked:
            return []
        changed = [pk for pk, _ in locked]
        now = timezone.now()
        Moderation.objects.filter(comment_id__in=changed).update(
            state=state, reason=reason, decided_by=by, decided_at=now
        )
        XtdComment.norel_objects.filter(pk__in=changed).update(**FLAGS[state])
        ModerationEvent.objects.bulk_create(
            ModerationEvent(comment_id=pk, state=state, reason=reason, decided_by=by, decided_at=now) for pk in changed
        )
        if by is not None and state in LEARNED_AS:  # a person decided: the spam filter learns
            _learn(changed, LEARNED_AS[state])
    pages_changed("comment moderated", [int(pk) for _, pk in locked if str(pk).isdecimal()])
    return changed


# What a moderator's decision teaches the spam filter (comments.spam).
LEARNED_AS = {State.SPAM: "spam", State.PUBLISHED: "ham"}


def _learn(comment_ids, label):
    """Teach comments.spam the comments as `label`, unlearning what it was taught of them before
    (approve after spam, restore): a fixed number of queries for any number of comments."""
    rows = list(
        XtdComment.norel_objects.filter(pk__in=comment_ids)
        .exclude(moderation__trained=label)
        .values_list(
            "pk", "comment", "user_name", "user_email", "user_url", "ip_address", "object_pk", "moderation__trained"
        )
    )
    if not rows:
        return
    posts = Post.objects.filter(pk__in={int(row[6]) for row in rows}).values_list("pk", "title", "summary")
    topics = {pk: spam.words_of(f"{title} {summary}") for pk, title, summary in posts}
    documents = {}
    for _pk, text, name, email, url, ip, object_pk, trained in rows:
        topic = topics.get(int(object_pk), set())
        tokens = spam.features(text=text, name=name, email=email, url=url, ip=ip, post_words=topic)
        documents.setdefault(trained, []).append(tokens)
        documents.setdefault(None, []).append(tokens)
    other = "ham" if label == "spam" else "spam"
    if documents.get(other):
        spam.unlearn(documents[other], label=other)
    spam.learn(documents[None], label=label)
    Moderation.objects.filter(comment_id__in=[row[0] for row in rows]).update(trained=label)


def relearn(comment_ids, label):
    """Teach the spam filter decisions made before (comments/management/commands/relearn_spam)."""
    _learn(list(comment_ids), label)


def _announce(changed):
    """Tell the followers of the just-published comments nobody was told of yet (once each)."""
    new = list(Moderation.objects.filter(comment_id__in=changed, announced=False).values_list("comment_id", flat=True))
    if new:
        from .notifications import enqueue_followup_notifications

        Moderation.objects.filter(comment_id__in=new).update(announced=True)
        enqueue_followup_notifications(new)


def approve(comments, *, by=None):
    """Publish held (or reported, or spam) comments; their followers hear about them once.

    A comment held after reader reports was published, and announced, before: not again;
    its reports are settled, so it takes COMMENTS_REPORT_THRESHOLD new ones to hold it again.
    """
    reported = set(
        Moderation.objects.filter(comment_id__in=_ids(comments), reason=Reason.REPORTED).values_list(
            "comment_id", flat=True
        )
    )
    changed = _change(comments, State.PUBLISHED, by=by, only_from=[State.HELD, State.SPAM])
    settled = reported & set(changed)
    if settled:
        # A moderator looked and kept it: the reports are settled, new ones count from zero.
        Report.objects.filter(comment_id__in=settled).delete()
        Moderation.objects.filter(comment_id__in=settled).update(report_count=0)
    if changed:
        _announce(changed)
    return changed


def mark_spam(comments, *, by=None):
    return _change(comments, State.SPAM, by=by, only_from=[State.HELD, State.PUBLISHED, State.REMOVED])


def remove(comments, *, by=None):
    """Hide comments; replies stay in place under a "[removed]" placeholder."""
    return _change(comments, State.REMOVED, by=by, only_from=[State.HELD, State.PUBLISHED, State.SPAM])


def restore(comments, *, by=None):
    """Undo remove or spam: the comment is published again (and announced, if it never was)."""
    changed = _change(comments, State.PUBLISHED, by=by, only_from=[State.REMOVED, State.SPAM])
    if changed:
        _announce(changed)
    return changed


def report(comment, *, reporter_key, session_key="", why=Report.Why.OTHER):
    """Record one reader's report (and why); at COMMENTS_REPORT_THRESHOLD the comment goes back
    to the queue, unless the post's author or staff wrote it: readers cannot hide those; they
    stay published and the queue's "Reported" tab shows them, flagged, to a moderator.

    A reader is their network (`reporter_key`) and, when they have one, their session or
    account (`session_key`): a report from either that this comment already has is not new.
    So a client dropping its cookies counts once per network, and one browser moving between
    networks (office wifi, then the phone's) counts once too. Returns True when it was new.
    """
    with transaction.atomic():
        # One report of a comment at a time: the check below and the insert cannot interleave.
        Moderation.objects.select_for_update().filter(comment_id=comment.pk).first()
        same = Q(reporter=reporter_key[:64])
        if session_key:
            same |= Q(session=session_key[:64])
        if Report.objects.filter(same, comment_id=comment.pk).exists():
            return False
        Report.objects.create(comment_id=comment.pk, reporter=reporter_key[:64], session=session_key[:64], why=why)
        count = Report.objects.filter(comment_id=comment.pk).count()
        Moderation.objects.filter(comment_id=comment.pk).update(report_count=count)
    if count >= rules.conf("COMMENTS_REPORT_THRESHOLD") and not _by_trusted(comment):
        _change([comment.pk], State.HELD, by=None, reason=Reason.REPORTED, only_from=[State.PUBLISHED])
    return True


def keep(comments, *, by=None):
    """A moderator read the reports of published comments and keeps them as they are: the
    reports are settled (new ones count from zero) and the decision is in the history."""
    ids = list(
        Moderation.objects.filter(comment_id__in=_ids(comments), state=State.PUBLISHED, report_count__gt=0).values_list(
            "comment_id", flat=True
        )
    )
    if not ids:
        return []
    with transaction.atomic():
        Report.objects.filter(comment_id__in=ids).delete()
        Moderation.objects.filter(comment_id__in=ids).update(report_count=0)
        ModerationEvent.objects.bulk_create(
            ModerationEvent(comment_id=pk, state=State.PUBLISHED, reason=Reason.MODERATOR, decided_by=by, note="kept")
            for pk in ids
        )
    return ids


def _by_trusted(comment):
    """True when the comment's writer is staff or the author of the post it is on."""
    if not comment.user_id:
        return False
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=comment.user_id).first()
    post = Post.objects.filter(pk=int(comment.object_pk)).only("author_id").first()
    return bool(user and post and rules.is_trusted(user, post))


# xtd's hook ----------------------------------------------------------------------------


class PostCommentModerator(XtdCommentModerator):
    """xtd's moderator for Post, over comments.rules: allow() rejects, moderate() holds.

    Our own form (comments.posting) decides without it; this keeps xtd's own entry points
    (its API) under the same rules. Nothing is kept between the two calls.
    """

    email_notification = False  # comments.notifications sends mail, from a task

    def _decide(self, comment, content_object, ip=None):
        return rules.decide(content_object, email=comment.user_email, text=comment.comment, user=comment.user, ip=ip)

    def allow(self, comment, content_object, request):
        ip = rules.client_ip(request) if request is not None else None  # counted here, once
        return self._decide(comment, content_object, ip).outcome != Outcome.REJECT

    def moderate(self, comment, content_object, request):
        decision = self._decide(comment, content_object)
        if decision.outcome == Outcome.SPAM:
            comment.is_removed = True
        return decision.outcome in (Outcome.HOLD, Outcome.SPAM)


def register():
    if Post not in moderator._registry:
        moderator.register(Post, PostCommentModerator)
    post_save.connect(adopt_foreign, sender=XtdComment, dispatch_uid="comments.adopt_foreign")


def decision_history(comment_ids):
    """{comment id: [ModerationEvent, ...] oldest first} for a page of comments, in one query.

    Every comment stored by this module has its first decision as its first event; one
    moderated before events were kept has none, and its Moderation row is all there is.
    """
    events = {}
    for event in ModerationEvent.objects.filter(comment_id__in=list(comment_ids)).select_related("decided_by"):
        events.setdefault(event.comment_id, []).append(event)
    return events
