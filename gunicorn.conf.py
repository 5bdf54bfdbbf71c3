"""gunicorn reads this file from the working directory: its responses say "Live Room" rather than
gunicorn's name and version (one less fact for a scanner)."""
from gunicorn.http import wsgi

wsgi.SERVER = "Live Room"
