"""Client side of the offline-first sync (DESIGN.md §4): device credentials, push, pull, blobs."""
