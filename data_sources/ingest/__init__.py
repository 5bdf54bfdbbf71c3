"""Every way data comes in: the Open311 mapping, device-status importers and probes, the
city profile's reference data, and bulk writes. Each path validates, stores the good
records, keeps the refused ones with their reason, and logs the run."""
