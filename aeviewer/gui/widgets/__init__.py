"""One widget per module; each exposes signals and setters and holds no training state."""
