"""Entry point for `flask --app wsgi` and WSGI servers such as gunicorn."""
from webapp import create_app

app = create_app()
