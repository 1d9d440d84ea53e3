"""Seeknetic: collections, uploads, video tagging, embeddings and collection search (seed 000)."""

from .provider import SeekneticProvider

__all__ = ["SeekneticProvider"]
