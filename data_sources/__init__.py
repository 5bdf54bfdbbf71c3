"""Everything between the outside world and the pages: database, ingest, queries, geo, demo."""
