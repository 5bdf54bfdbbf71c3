"""The city's rules, each in one place: local days and periods, response deadlines and red
flags, device state from samples, uptime roll-ups, and the masking of personal data."""
