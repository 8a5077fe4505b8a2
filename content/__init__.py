"""Imported and demo content (see apps.py): importers/ and the import_* and seed_demo commands."""
