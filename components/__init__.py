"""Pure UI builders: data in, Dash components or plotly figures out. No I/O here."""
