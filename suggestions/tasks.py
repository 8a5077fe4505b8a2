"""The index is kept by the task worker, never inside the author's save request."""

from django_tasks import task

from . import index


@task()
def index_post(post_id):
    index.index_post(post_id)
