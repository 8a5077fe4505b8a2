"""Revisions and autosave for posts (the author's desk).

A model of our own rather than django-reversion or django-simple-history, although both are
maintained: reversion stores each version as a generic serialized blob of the whole row
(body_html, excerpt and word_count included) and restores by deserializing, which bypasses
`Post.save()` (no rendering; raw signals); simple-history copies every column, derived HTML
included, into a historical table on every save() anywhere (importers, `render_posts`,
no-change saves). We need a snapshot of exactly the fields an author edits, tag *names*
(so a deleted tag can be restored), a readable difflib diff and a restore that goes through
the normal save path: about the size of the glue either library would need.

- `models`: Revision (a numbered snapshot per post) and Autosave (one per post or new post
  and user; never touches the live post).
- `records`: snapshot, record, restore, autosave storage (the only writers of both models).
- `diff`: field-by-field, word- and line-level diffs as escaped HTML.
- `admin`: RevisionAdminMixin for PostAdmin (history, restore, autosave views; the stale-form check).

Nothing here runs on public pages. Keep this module free of imports: blog.models imports
`blog.revisions.models` to register the models with the blog app.
"""
