"""The Qt shell: main window, training thread and widgets (imports core, never the reverse)."""
