"""sofacast: from raw interview recording to a published, searchable podcast."""

__version__ = "0.1.0"
