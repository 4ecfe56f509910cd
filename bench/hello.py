"""The ceiling: a bare Flask JSON endpoint, served by the same Gunicorn settings as the shop."""

from flask import Flask, Response, jsonify

app = Flask(__name__)


@app.get("/")
def hello() -> Response:
    return jsonify(message="hello")
