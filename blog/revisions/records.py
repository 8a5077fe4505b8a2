"""The only writers of Revision and Autosave: snapshot, record, restore, autosave."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Post, Tag
from .models import Autosave, Revision

# The form fields an autosave keeps (what the author edits; not the pins or the author).
AUTOSAVED_TEXT = ["title", "slug", "summary", "body", "theme", "status", "published_at_0", "published_at_1"]


def snapshot(post, *, tags=None):
    """The post's revisioned state, as Revision.state() gives it. Tags are read afresh
    (the admin saves them after the post) unless given."""
    if tags is None:
        tags = list(Tag.objects.filter(posts=post).values_list("name", flat=True))
    return {
        **{name: getattr(post, name) for name in Revision.COPIED},
        "tags": list(tags),
        "theme_id": post.theme_id,
    }


def latest(post_id):
    """The post's newest revision (with its author), or None."""
    return Revision.objects.filter(post_id=post_id).select_related("who").order_by("-number").first()


def ensure_initial(post_id):
    """Before the first recorded change of a post created outside the admin (importers,
    seed_demo, the shell): keep its current stored state as #1, so the change can be undone.

    Call it before the row changes. Costs one query once a post has revisions.
    """
    if post_id is None or Revision.objects.filter(post_id=post_id).exists():
        return None
    stored = Post.objects.select_related("theme").get(pk=post_id)
    return _create(
        stored,
        snapshot(stored),
        number=1,
        kind=Revision.Kind.INITIAL,
        who=None,
        when=stored.updated_at,
        note="its state before the first change in the admin",
    )


def record(post, user, *, kind=None, note=""):
    """A new revision of `post` as it is now stored, unless it equals the newest one.

    Call it inside the transaction that saved the post (its row lock keeps the numbers in
    order). `kind`: inferred from the status change when not given. Returns the revision or None.
    """
    state = snapshot(post)
    previous = latest(post.pk)
    if previous is not None and previous.state() == state:
        return None
    if kind is None:
        was_published = previous is not None and previous.status == Post.Status.PUBLISHED
        if post.status == Post.Status.PUBLISHED and not was_published:
            kind = Revision.Kind.PUBLISHED
        elif post.status == Post.Status.DRAFT and was_published:
            kind = Revision.Kind.UNPUBLISHED
        else:
            kind = Revision.Kind.SAVED
    number = previous.number + 1 if previous else 1
    return _create(post, state, number=number, kind=kind, who=user, note=note)


def _create(post, state, *, number, kind, who, note="", when=None):
    theme = post.theme if post.theme_id else None
    return Revision.objects.create(
        post_id=post.pk,
        number=number,
        kind=kind,
        note=note,
        who=who if who is not None and who.is_authenticated else None,
        created_at=when or timezone.now(),
        theme_name=theme.name if theme else "",
        **{name: state[name] for name in [*Revision.COPIED, "tags", "theme_id"]},
    )


class RestoreRefused(Exception):
    """The revision cannot become the post again (its body no longer renders, say): the message says why."""


def restore(post, revision, user):
    """Copy `revision` back onto `post` and save it the normal way (rendering, page cache).

    Tags deleted since are created again (a tag is only a name; restoring means getting the
    post back as it was). A slug taken by another post meanwhile, or a deleted theme, keeps
    the post's current one. Returns (new revision or None when nothing changed, notes).
    """
    notes = []
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        current_slug = post.slug
        for name in Revision.COPIED:
            setattr(post, name, getattr(revision, name))
        if Post.objects.filter(slug=revision.slug).exclude(pk=post.pk).exists():
            post.slug = current_slug
            notes.append(f"The address “{revision.slug}” is used by another post now; the current one is kept.")
        if revision.theme_id is not None:
            post.theme_id = revision.theme_id
        else:
            notes.append(f"The theme “{revision.theme_name}” no longer exists; the current theme is kept.")
        try:
            post.clean()
        except ValidationError as error:
            raise RestoreRefused(" ".join(error.messages)) from None
        post.save()
        tags, recreated = [], []
        for name in revision.tags:
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is None:
                tag = Tag.objects.create(name=name)
                recreated.append(name)
            tags.append(tag)
        post.tags.set(tags)
        if recreated:
            notes.append("Tags created again: " + ", ".join(recreated) + ".")
        new = record(post, user, kind=Revision.Kind.RESTORED, note=f"Restored from #{revision.number}")
        Autosave.objects.filter(post=post, user=user).delete()
    return new, notes


# --- Autosave -------------------------------------------------------------------------------------


def store_autosave(post, user, data, *, base_revision):
    """Keep the form fields `data` (a QueryDict) as the user's autosave of `post` (None: the add form)."""
    fields = {name: data.get(name, "") for name in AUTOSAVED_TEXT}
    fields["tags"] = [value for value in data.getlist("tags") if value.isdigit()]
    fields["allow_comments"] = "allow_comments" in data
    autosave, _ = Autosave.objects.update_or_create(
        post=post,
        user=user,
        defaults={"data": fields, "base_revision": base_revision, "saved_at": timezone.now()},
    )
    return autosave


def pending_autosave(post, user):
    """The user's autosave worth offering on the form: for a post, one newer than its last save."""
    autosave = Autosave.objects.filter(post=post, user=user).first()
    if autosave is None or (post is not None and autosave.saved_at <= post.updated_at):
        return None
    return autosave


def discard_autosave(post, user):
    Autosave.objects.filter(post=post, user=user).delete()


def autosave_initial(autosave):
    """The autosave as a form's initial data (raw strings where the widget takes them)."""
    data = autosave.data
    initial = {name: data.get(name, "") for name in ["title", "slug", "summary", "body"]}
    if str(data.get("theme", "")).isdigit():
        initial["theme"] = int(data["theme"])
    initial["tags"] = [int(pk) for pk in data.get("tags", []) if str(pk).isdigit()]
    if data.get("status") in Post.Status.values:
        initial["status"] = data["status"]
    initial["allow_comments"] = bool(data.get("allow_comments"))
    date, time = data.get("published_at_0", ""), data.get("published_at_1", "")
    # The split widget shows a list as typed (even a half-typed date): nothing is lost.
    initial["published_at"] = [date, time] if (date or time) else None
    return initial
