"""Paging long lists without counting them."""

import re

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

# The furthest row a page may start at: a larger OFFSET overflows the database's integers.
MAX_OFFSET = 2**62
# How a page number is written in our links: ASCII digits, no leading zero. int() also reads
# "01", " 1", "+1" and "١" (Arabic-Indic one): each would be one more copy of a page in the
# page cache, so they are not page numbers (blog.views.CanonicalPageMixin: 404).
CANONICAL_NUMBER = re.compile(r"[1-9][0-9]*")


def canonical_number(value):
    """`value` as a page number if it is written as our links write one, else None."""
    return int(value) if isinstance(value, str) and CANONICAL_NUMBER.fullmatch(value) else None


class NoCountPaginator(Paginator):
    """Pages that read one row past their end to know whether an older page exists.

    Django's Paginator counts the whole list for "page 3 of 9,872", a cost that grows with
    the blog; a reader going through posts needs "newer" and "older", not the total.
    `count` and `num_pages` still count, so only `?page=last` pays for it.
    """

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer.") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1.")
        if (number - 1) * self.per_page > MAX_OFFSET:
            raise EmptyPage("That page contains no results.")
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage("That page contains no results.")
        return NoCountPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)


class NoCountPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0


class CappedCountPaginator(Paginator):
    """Counts at most `cap` + 1 rows: "200+ results", and paging stops at the cap.

    For search results, where an exact total of a broad query costs a read of every match.
    """

    cap = 200  # blog.search.PROBE is one more: past it, a search knows it is capped without counting

    @cached_property
    def count(self):
        count_up_to = getattr(self.object_list, "count_up_to", None)  # blog.search.SearchResults
        if count_up_to is not None:
            return count_up_to(self.cap + 1)
        return self.object_list[: self.cap + 1].count()

    @property
    def count_is_capped(self):
        return self.count > self.cap
