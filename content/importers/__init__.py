"""Importers for other blogs' exports: Blogger (Atom) and WordPress (WXR).

`blogger.parse()` and `wordpress.parse()` read a file into plain data (common.PostData,
common.CommentData) and check every entry before anything is written; `common.run_import()`
writes it, one transaction per post with its comments. See common.py for the decisions.
"""
