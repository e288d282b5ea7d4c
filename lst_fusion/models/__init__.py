"""Deep-learning fusion models (torch), one per file, and their registry."""
from .registry import MODELS, info, model_ids  # noqa: F401
