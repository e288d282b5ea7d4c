"""Package version (kept equal to metadata.txt's ``version``; a test checks it)."""
__version__ = "0.2.0"
