"""Server side of the offline-first sync (DESIGN.md §4): push, pull, change log, blobs."""
