"""An upload handler that stops storing a file once it is bigger than images may be."""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class SizeLimitHandler(FileUploadHandler):
    """First in the handler chain: past `limit` bytes the file is skipped, not written anywhere.

    The rest of the request is still read (and discarded), so the browser gets our answer
    (a 413 with a message) instead of a reset connection.
    """

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data  # on to the next handler, which stores it

    def file_complete(self, file_size):
        return None  # the next handler makes the file
