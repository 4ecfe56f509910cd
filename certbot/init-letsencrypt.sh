#!/bin/sh
# Issue the first Let's Encrypt certificate for $DOMAIN (webroot challenge).
# Nginx cannot start without a certificate, so a throw-away self-signed one is put in
# place first, Nginx starts and answers the ACME challenge over HTTP, then certbot
# replaces it and Nginx reloads. Renewals: the `certbot` service (see DEPLOYMENT.md).
#   ./certbot/init-letsencrypt.sh            (reads DOMAIN and LETSENCRYPT_EMAIL from .env.prod)
#   STAGING=1 ./certbot/init-letsencrypt.sh  (Let's Encrypt's staging CA, for rehearsals)
set -eu
cd "$(dirname "$0")/.."

env_value() { sed -n "s/^$1=//p" .env.prod | tail -n 1; }
DOMAIN="${DOMAIN:-$(env_value DOMAIN)}"
EMAIL="${LETSENCRYPT_EMAIL:-$(env_value LETSENCRYPT_EMAIL)}"
: "${DOMAIN:?set DOMAIN in .env.prod}"
: "${EMAIL:?set LETSENCRYPT_EMAIL in .env.prod}"

if docker compose version >/dev/null 2>&1; then compose="docker compose"; else compose="docker-compose"; fi
run() { $compose -f docker-compose.prod.yml --env-file .env.prod "$@"; }
live="/etc/letsencrypt/live/$DOMAIN"

echo "Placing a temporary self-signed certificate for $DOMAIN"
run run --rm --entrypoint /bin/sh certbot -c "mkdir -p $live && \
    openssl req -x509 -nodes -newkey rsa:2048 -days 1 -subj /CN=localhost \
    -keyout $live/privkey.pem -out $live/fullchain.pem"

echo "Starting Nginx"
run up --detach nginx

echo "Requesting the real certificate"
run run --rm --entrypoint /bin/sh certbot -c "rm -rf /etc/letsencrypt/live/$DOMAIN \
    /etc/letsencrypt/archive/$DOMAIN /etc/letsencrypt/renewal/$DOMAIN.conf"
staging=""
if [ "${STAGING:-0}" = "1" ]; then staging="--staging"; fi
run run --rm --entrypoint certbot certbot certonly --webroot -w /var/www/certbot \
    $staging --email "$EMAIL" --agree-tos --no-eff-email -d "$DOMAIN"

echo "Reloading Nginx"
run exec nginx nginx -s reload
