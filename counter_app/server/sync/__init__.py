"""Server side of the offline-first sync (docs/DESIGN.md §4): push, pull, change log, blobs."""
