"""Client side of the offline-first sync (docs/DESIGN.md §4): device credentials, push, pull, blobs."""
