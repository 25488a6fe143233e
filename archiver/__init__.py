"""Archive and verify the social-media posts that news articles cite."""

__version__ = "0.1.0"
