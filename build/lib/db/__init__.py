"""Marsad's database layer: typed models, the session factory and the migrations."""

from db.models import Article, ArticleDuplicate, Base, Document, InboxFile
from db.session import Database

__all__ = ["Article", "ArticleDuplicate", "Base", "Database", "Document", "InboxFile"]
