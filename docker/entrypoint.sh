#!/bin/sh
# Container start: wait for the database, apply migrations, then run the command
# (Gunicorn by default) as PID 1 so it receives SIGTERM and shuts down gracefully.
set -eu

python scripts/wait_for_db.py
if [ "${RUN_MIGRATIONS:-1}" = "1" ]; then
    flask db upgrade
fi
exec "$@"
