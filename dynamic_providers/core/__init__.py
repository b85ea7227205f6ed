"""Generic ARM-resource core shared by every Microsoft.Media dynamic provider."""
