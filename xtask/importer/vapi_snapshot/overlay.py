"""REST facts from VMware's OpenAPI documents (placeholder, filled in below)."""


class OverlayResult:
    """Mappings the overlay adds and what it could not match."""

    def __init__(self):
        self.mappings = {}
        self.stats = {}
        self.unmatched = []
        self.ambiguous = []


def apply(overlay_dir, packages, binding_mappings):  # pylint: disable=unused-argument
    """Placeholder: no overlay mappings yet."""
    return OverlayResult()
