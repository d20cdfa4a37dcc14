"""kplan: a terminal tracker for regional action plans."""

__version__ = "0.1.0"
