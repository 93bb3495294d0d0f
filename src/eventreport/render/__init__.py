"""Writers: each renders the same `Report` into one output format."""
