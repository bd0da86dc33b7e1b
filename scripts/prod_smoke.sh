#!/usr/bin/env bash
# The production settings served as deployed (docs/operations.md): gunicorn with deploy/gunicorn.conf.py and
# config.settings.production on PostgreSQL and Redis, a freshly migrated database of its own; /healthz must
# answer 200 with every check "ok", and a page must carry its X-Request-ID; the public pages' rate limit is
# counted in the Redis cache the two web workers share; then a browser journey (scripts/prod_journey.py:
# Chromium, headless) through the public records, the sign-in of a unit liaison made here (not a demo
# account), the unit's page and the sign-out, with the CSP header on every page and no violation reported.
# Then everything is stopped and dropped.
# Needs PostgreSQL (trust, user postgres), Redis on 127.0.0.1 (PG, REDIS_URL and CACHE_URL override) and
# /usr/bin/chromium (CHENGXIN_CHROMIUM overrides). Exit 0 only if green.
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
BROKER_DB=$(($$ % 15 + 1))
export CELERY_BROKER_URL=${REDIS_URL:-redis://127.0.0.1:6379/$BROKER_DB}
# The cache: another Redis database than the broker's (production refuses the same one).
CACHE_DB=$((BROKER_DB % 15 + 1))
export CACHE_URL=${CACHE_URL:-redis://127.0.0.1:6379/$CACHE_DB}
export CHENGXIN_VAR_DIR="$VAR"
export GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2

psql -q "$PG/postgres" -c "CREATE DATABASE \"$DB_NAME\""
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py check --deploy --fail-level ERROR
# Whatever an earlier run left in the cache's database (its rate counters) is not this run's.
redis-cli -u "$CACHE_URL" --scan --pattern 'chengxin:*' | xargs -r redis-cli -u "$CACHE_URL" del >/dev/null

# A unit liaison of a unit of its own, with a password the production rules accept: the demo
# accounts are refused when DEBUG is off, and a liaison needs no second factor.
JOURNEY_USER=smoke_liaison
JOURNEY_PASSWORD='Chengxin#Smoke2026'
.venv/bin/python manage.py shell -v 0 -c "
from casework.models import Organisation, OrganisationType, User
from casework.permissions import role_groups
from casework.roles import Role
unit = Organisation.objects.create(name='东莞市冒烟测试局', type=OrganisationType.DEPARTMENT)
user = User.objects.create_user('$JOURNEY_USER', password='$JOURNEY_PASSWORD', first_name='冒烟测试联络员', organisation=unit)
user.groups.add(*role_groups(Role.UNIT_LIAISON))
"

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

# The rate limit of the public pages is counted in Redis, shared by the two workers: after ten more
# requests the counters of this address in the cache's database add up to at least eleven.
for _ in $(seq 10); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/public/records/"; done
counted=0
for key in $(redis-cli -u "$CACHE_URL" --scan --pattern 'chengxin:*:chengxin:rate:127.0.0.1:*'); do
  counted=$((counted + $(redis-cli -u "$CACHE_URL" get "$key")))
done
echo "rate limit counted in Redis: $counted requests"
[ "$counted" -ge 11 ] || { echo "the rate limit is not counted in the shared cache ($counted)" >&2; exit 1; }

.venv/bin/python scripts/prod_journey.py "http://127.0.0.1:$PORT" "$JOURNEY_USER" "$JOURNEY_PASSWORD" || {
  cat "$VAR/gunicorn.log"
  exit 1
}
echo "production smoke test passed"
