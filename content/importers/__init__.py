"""Importers of content from elsewhere: Blogger (Atom), WordPress (WXR) and the demo blog.

`blogger.parse()`, `wordpress.parse()` and `demo.parse()` read their source into plain data
(common.Parsed of common.PostData and common.CommentData) and check every entry before
anything is written; `common.run_import()` writes it, one transaction per post with its
comments. See common.py for the decisions.
"""
