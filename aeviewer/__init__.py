"""aeviewer."""
