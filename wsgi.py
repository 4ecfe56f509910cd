"""WSGI entry point: ``gunicorn wsgi:app``; Celery's: ``celery -A wsgi:celery worker``."""

from ecom import create_app

app = create_app()
celery = app.extensions["celery"]
