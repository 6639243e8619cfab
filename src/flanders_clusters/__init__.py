"""clusters: the registry of the Flemish innovation cluster programme (FI&E / VLAIO)."""

__version__ = "0.1.0"
