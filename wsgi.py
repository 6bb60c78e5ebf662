"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi <command>`."""
from flashpoint import create_app

app = create_app()
