#!/usr/bin/env bash
# The production settings served as deployed (docs/operations.md): gunicorn with deploy/gunicorn.conf.py and
# config.settings.production on PostgreSQL and Redis, a freshly migrated database of its own; /healthz must
# answer 200 with every check "ok", and a page must carry its X-Request-ID. Then everything is stopped and dropped.
# Needs PostgreSQL (trust, user postgres) and Redis on 127.0.0.1 (PG and REDIS_URL override). Exit 0 only if green.
set -euo pipefail
cd "$(dirname "$0")/.."

PG=${PG:-postgres://postgres@127.0.0.1:5432}
DB_NAME="chengxin_smoke_$$"
PORT=${SMOKE_PORT:-$((18000 + $$ % 1000))}
VAR=$(mktemp -d /tmp/chengxin-smoke.XXXXXX)
PID=""

cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 30); do kill -0 "$PID" 2>/dev/null || break; sleep 1; done
  fi
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$VAR"
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=config.settings.production
SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
CHENGXIN_AUDIT_CHECKPOINT_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(40))')
export CHENGXIN_AUDIT_CHECKPOINT_KEY
# The ID numbers' keys (config/settings/pii.py): required in production as well.
CHENGXIN_PII_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(40))')
CHENGXIN_PII_HASH_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(40))')
export CHENGXIN_PII_KEY CHENGXIN_PII_HASH_KEY
export CHENGXIN_PUBLIC_BASE_URL=https://chengxin.example.gov.cn
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=False
export DATABASE_URL="$PG/$DB_NAME"
export CELERY_BROKER_URL=${REDIS_URL:-redis://127.0.0.1:6379/$(($$ % 15 + 1))}
export CHENGXIN_VAR_DIR="$VAR"
export GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2

psql -q "$PG/postgres" -c "CREATE DATABASE \"$DB_NAME\""
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py check --deploy --fail-level ERROR

.venv/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi:application >"$VAR/gunicorn.log" 2>&1 &
PID=$!

health=""
for _ in $(seq 60); do
  if health=$(curl -fsS "http://127.0.0.1:$PORT/healthz" 2>/dev/null); then break; fi
  kill -0 "$PID" 2>/dev/null || { cat "$VAR/gunicorn.log"; echo "gunicorn exited" >&2; exit 1; }
  sleep 1
done
echo "healthz: $health"
.venv/bin/python - "$health" <<'PY'
import json, sys
body = json.loads(sys.argv[1])
assert body == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "storage": "ok"}}, body
PY
headers=$(curl -sS -o /dev/null -D - "http://127.0.0.1:$PORT/public/records/")
echo "$headers" | grep -qi '^HTTP/1.1 200' || { echo "$headers"; cat "$VAR/gunicorn.log"; exit 1; }
echo "$headers" | grep -qi '^x-request-id: [0-9a-f]\{32\}' || { echo "no X-Request-ID: $headers" >&2; exit 1; }
grep -q 'rid=[0-9a-f]\{32\}' "$VAR/gunicorn.log" || { echo "no request id in the access log" >&2; exit 1; }
echo "production smoke test passed"
