"""One blueprint per area of the product."""
