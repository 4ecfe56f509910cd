"""WSGI entry point: ``gunicorn wsgi:app``."""

from ecom import create_app

app = create_app()
