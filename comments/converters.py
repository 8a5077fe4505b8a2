"""URL converters of the comments app, registered on import (comments.urls, comments.admin)."""

from django.urls import register_converter


class IdConverter:
    """A database id: at most 18 digits. A longer one would overflow the database's integers
    (an OverflowError on SQLite, a 500): it matches no URL, so it answers 404."""

    regex = "[0-9]{1,18}"

    @classmethod
    def matches(cls, value):
        """Whether `value` (a string from the request) is such an id."""
        return isinstance(value, str) and value.isascii() and value.isdecimal() and 0 < len(value) <= 18

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")
