"""The text index the suggestions read: a few key terms per post, and how many posts use each term.

`PostTerms`   one row per indexed post: its key terms (the TOP_TERMS with the most weight,
              each with its weight and the words it came from) and its whole vocabulary (for
              the document counts, so a re-indexed post takes back exactly what it added).
`Posting`     the inverted lists: (term, post, weight) for each post's key terms only, indexed
              on (term, weight desc), so "the posts where this term matters most" is a short
              walk of one index whatever the blog's size.
`TermStat`    in how many indexed posts each term occurs (the IDF of the ranking).

Rows are written by suggestions.index (from the task queue, after a post is saved) and
deleted with their post. Drafts and scheduled posts are indexed too (the editor suggests tags
from them); whether a post is public is decided when reading, never stored here.
"""

from django.db import models


class PostTerms(models.Model):
    post = models.OneToOneField("blog.Post", primary_key=True, on_delete=models.CASCADE, related_name="+")
    terms = models.JSONField(default=dict, help_text="{term: [weight, words]} for the key terms.")
    vocabulary = models.TextField(blank=True, help_text="Every term of the post, space-separated.")
    checksum = models.CharField(max_length=64, blank=True, help_text="Of the text indexed: unchanged saves skip.")
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The desk lists the gaps page under this name (suggestions.admin.GapsAdmin).
        verbose_name = "gap"
        verbose_name_plural = "gaps in the Relevant Discussions"

    def __str__(self):
        return f"terms of post {self.post_id}"


class Posting(models.Model):
    term = models.CharField(max_length=80)
    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(help_text="The term's share of the post's vector (0-1).")

    class Meta:
        indexes = [models.Index(fields=["term", "-weight"], name="suggestions_posting_term_idx")]

    def __str__(self):
        return f"{self.term} in post {self.post_id}"


class TermStat(models.Model):
    term = models.CharField(max_length=80, primary_key=True)
    documents = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.term}: {self.documents}"
