"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi <command>`."""
from flashpoint import create_app
from flashpoint.collector import settle_long_lived_process

app = create_app()
# Every process that loads this module serves or works for long: the collector is set for that.
settle_long_lived_process()
