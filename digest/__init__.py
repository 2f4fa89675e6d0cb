"""digest: weekly digest and feeds of UK police and commissioner news about serious violence."""

__version__ = "0.1.0"
