"""Write a large WordPress (WXR) or Blogger (Atom) export, for bench/export_bench.py.

Run: python bench/make_export.py wordpress|blogger OUT.xml [POSTS]   (default 14,600 posts: ~50 MB)

Each post has classic-editor HTML (single newlines, blank-line paragraphs, a [caption], a
link, "*" in <code>), two tags out of 60, and 0 to 6 comments (3 on average: threads two
and three levels deep, a few held and spam; the post author answers some). About 1 post in 50
is a draft, 1 in 100 scheduled; there are a few pages with comments and some attachments.
Deterministic: the same arguments write the same bytes.
"""

import sys
from xml.sax.saxutils import escape

PARAGRAPH = (
    "Networking is less about collecting contacts than about being useful to a few people.\n"
    "Write to them when you have something for them, not only when you need something.\n"
)
BODY = (
    "Dear reader,\nthis is post {n} of the archive. ¯\\_(ツ)_/¯\n\n"
    + PARAGRAPH
    + "\n"
    + "Run <code>grep -r '*.md' notes/</code> to find your old drafts.\n"
    + "# a line that starts with a hash\n\n"
    + '[caption id="attachment_{a}" align="alignright" width="300"]<img src="https://old.example.com/wp-content/'
    'uploads/{n}.jpg" alt="Photo {n}" width="300" height="200" /> A caption for post {n}[/caption]\n\n'
    + PARAGRAPH
    + '\nMore in <a href="https://old.example.com/?p={prev}">the previous post</a>.\n\n'
    + PARAGRAPH
)
COMMENT = (
    "Thanks for post {n}: I tried this at a meetup last week\nand it worked. <em>Really</em> useful advice, "
    "especially the part about writing first."
)


def comment_shapes(n):
    """(parent index or None, state) for post n's comments: 0 to 6, three on average."""
    count = (n * 5) % 7
    shapes = []
    for i in range(count):
        parent = None if i % 3 == 0 else i - 1
        state = "spam" if (n + i) % 41 == 0 else "0" if (n + i) % 17 == 0 else "1"
        shapes.append((parent, state))
    return shapes


def status_of(n):
    return "draft" if n % 50 == 0 else "future" if n % 100 == 1 else "publish"


def wordpress(out, posts):
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Bench</title>\n'
        "<link>https://old.example.com</link>\n<wp:wxr_version>1.2</wp:wxr_version>\n"
        "<wp:base_site_url>https://old.example.com</wp:base_site_url>\n"
        "<wp:base_blog_url>https://old.example.com</wp:base_blog_url>\n"
        "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>bench</wp:author_login>"
        "<wp:author_email>bench@example.com</wp:author_email></wp:author>\n"
    )
    comment_id = 0
    for n in range(1, posts + 1):
        year, month, day = 2010 + n % 14, 1 + n % 12, 1 + n % 28
        page = n % 1000 == 0
        status = status_of(n)
        out.write(
            f"<item><title>Bench post {n}</title>\n"
            f"<link>https://old.example.com/{year}/{month:02d}/{day:02d}/bench-post-{n}/</link>\n"
            "<dc:creator><![CDATA[bench]]></dc:creator>\n"
            f"<content:encoded><![CDATA[{BODY.format(n=n, a=100000 + n, prev=max(1, n - 1))}]]></content:encoded>\n"
            "<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n"
            f"<wp:post_id>{n}</wp:post_id>\n"
            f"<wp:post_date_gmt>{year}-{month:02d}-{day:02d} 09:00:00</wp:post_date_gmt>\n"
            f"<wp:post_modified_gmt>{year}-{month:02d}-{day:02d} 18:30:00</wp:post_modified_gmt>\n"
            f"<wp:post_name>bench-post-{n}</wp:post_name><wp:status>{status}</wp:status>\n"
            f"<wp:post_type>{'page' if page else 'post'}</wp:post_type>\n"
            f'<category domain="post_tag" nicename="tag-{n % 60}"><![CDATA[Tag {n % 60}]]></category>\n'
            f'<category domain="category" nicename="cat-{n % 7}"><![CDATA[Category {n % 7}]]></category>\n'
        )
        ids = []
        for i, (parent, state) in enumerate(comment_shapes(n)):
            comment_id += 1
            ids.append(comment_id)
            by_author = i % 4 == 3
            email = "bench@example.com" if by_author else f"reader{(n + i) % 300}@example.com"
            out.write(
                f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                f"<wp:comment_author><![CDATA[Reader {(n + i) % 300}]]></wp:comment_author>"
                f"<wp:comment_author_email>{email}</wp:comment_author_email>"
                f"<wp:comment_author_IP>192.0.2.{i % 250}</wp:comment_author_IP>"
                f"<wp:comment_date_gmt>{year}-{month:02d}-{day:02d} {10 + i:02d}:00:00</wp:comment_date_gmt>"
                f"<wp:comment_content><![CDATA[{COMMENT.format(n=n)}]]></wp:comment_content>"
                f"<wp:comment_approved>{state}</wp:comment_approved>"
                f"<wp:comment_parent>{ids[parent] if parent is not None else 0}</wp:comment_parent>"
                f"<wp:comment_user_id>{1 if by_author else 0}</wp:comment_user_id></wp:comment>\n"
            )
        out.write("</item>\n")
        if n % 10 == 0:
            out.write(
                f"<item><title>photo {n}</title><wp:post_id>{100000 + n}</wp:post_id>"
                f"<wp:post_parent>{n}</wp:post_parent><wp:post_type>attachment</wp:post_type>"
                f"<wp:status>inherit</wp:status><wp:attachment_url>https://old.example.com/wp-content/uploads/"
                f"{n}.jpg</wp:attachment_url></item>\n"
            )
    out.write("</channel>\n</rss>\n")


def blogger(out, posts):
    kind = "http://schemas.google.com/g/2005#kind"
    out.write(
        "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:app='http://purl.org/atom/app#' xmlns:thr='http://purl.org/syndication/thread/1.0'>\n"
        "<id>tag:blogger.com,1999:blog-4242</id><title type='text'>Bench</title>\n"
    )
    blog = "tag:blogger.com,1999:blog-4242"
    comment_id = 10_000_000
    author = "<author><name>Bench</name><uri>https://www.blogger.com/profile/1</uri><email>noreply@blogger.com</email></author>"
    for n in range(1, posts + 1):
        year, month, day = 2010 + n % 14, 1 + n % 12, 1 + n % 28
        status = status_of(n)
        stamp = f"{year}-{month:02d}-{day:02d}T09:00:00.000Z"
        post_id = f"{blog}.post-{n}"
        draft = "<app:control><app:draft>yes</app:draft></app:control>" if status == "draft" else ""
        term = "page" if n % 1000 == 0 else "post"
        html = escape(BODY.format(n=n, a=n, prev=max(1, n - 1)).replace("\n", "<br />"))
        out.write(
            f"<entry><id>{post_id}</id><published>{stamp}</published>"
            f"<updated>{year}-{month:02d}-{day:02d}T18:30:00.000Z</updated>"
            f"<category scheme='{kind}' term='http://schemas.google.com/blogger/2008/kind#{term}'/>"
            f"<category scheme='http://www.blogger.com/atom/ns#' term='Label {n % 60}'/>"
            f"<title type='text'>Bench post {n}</title><content type='html'>{html}</content>"
            f"<link rel='alternate' type='text/html' href='https://bench.blogspot.com/{year}/{month:02d}/"
            f"bench-post-{n}.html'/>{author}{draft}</entry>\n"
        )
        ids = []
        for i, (parent, state) in enumerate(comment_shapes(n)):
            if state != "1":
                continue
            comment_id += 1
            ids.append(comment_id)
            related = (
                f"<link rel='related' href='https://www.blogger.com/feeds/4242/{n}/comments/default/{ids[parent]}'/>"
                if parent is not None and parent < len(ids) - 1
                else ""
            )
            out.write(
                f"<entry><id>{blog}.post-{comment_id}</id>"
                f"<published>{year}-{month:02d}-{day:02d}T{10 + i:02d}:00:00.000Z</published>"
                f"<category scheme='{kind}' term='http://schemas.google.com/blogger/2008/kind#comment'/>"
                f"<content type='html'>{escape(COMMENT.format(n=n))}</content>{related}"
                f"<author><name>Reader {(n + i) % 300}</name></author>"
                f"<thr:in-reply-to ref='{post_id}'/></entry>\n"
            )
    out.write("</feed>\n")


def main():
    kind, path = sys.argv[1], sys.argv[2]
    posts = int(sys.argv[3]) if len(sys.argv) > 3 else 14_600
    with open(path, "w", encoding="utf-8") as out:
        {"wordpress": wordpress, "blogger": blogger}[kind](out, posts)


if __name__ == "__main__":
    main()
