#!/usr/bin/env bash
# Loads the whole demo on a fresh SQLite database under moved clocks (Debian's faketime), one
# day after another, and checks that each run ends with exit 0 and a coherent story
# (`load_demo --check`). The days are the ones where date arithmetic breaks: the end of a month
# before a deadline, the first of a month, New Year's Eve late in the evening in Shanghai, New
# Year's Day, the next 29 February, and today + 400 days.
#
#   scripts/demo-on-other-days.sh                 # all the days below
#   scripts/demo-on-other-days.sh "2031-07-15 10:00:00"   # one day of your own (company time)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
command -v faketime >/dev/null || { echo "faketime is missing: run make setup" >&2; exit 1; }

if [ $# -gt 0 ]; then
  days=("$@")
else
  year=$(date +%Y)
  next_leap_day=$($PY - <<'PY'
import calendar, datetime
today = datetime.date.today()
year = today.year
while not (calendar.isleap(year) and datetime.date(year, 2, 29) > today):
    year += 1
print(f"{year}-02-29")
PY
)
  days=(
    "$year-11-30 16:00:00"
    "$year-12-01 08:10:00"
    "$year-12-31 23:30:00"
    "$((year + 1))-01-01 09:00:00"
    "$next_leap_day 11:00:00"
    "$(date -d '+400 days' +%F) 10:00:00"
  )
fi

failed=0
for day in "${days[@]}"; do
  dir=$(mktemp -d)
  started=$(date +%s)
  printf -- '--- demo on %s (Asia/Shanghai) ... ' "$day"
  # The clock runs on from the moved moment; the company's time zone is Asia/Shanghai.
  if TZ=Asia/Shanghai QMS_VAR_DIR="$dir" QMS_TIME_ZONE=Asia/Shanghai faketime -f "@$day" bash -c \
      "$PY manage.py migrate --noinput -v0 && $PY manage.py createcachetable && $PY manage.py load_demo --check" \
      >"$dir/demo.log" 2>&1; then
    echo "ok ($(($(date +%s) - started)) s)"
    rm -rf "$dir"
  else
    echo "FAILED ($(($(date +%s) - started)) s); the last lines of $dir/demo.log:"
    tail -30 "$dir/demo.log"
    failed=1
  fi
done
exit $failed
