# Sourced by the import scripts: run at most JOBS background jobs at once (default 2, CI's two cores).
# Usage: start a job with `cmd &`, then call `throttle_jobs`; `wait` at the end (or `run_files`, below).
throttle_jobs() {
  while [ "$(jobs -rp | wc -l)" -ge "${JOBS:-2}" ]; do wait -n || true; done
}

# run_files FUNC WORK FILE...: `FUNC FILE WORK/i` for the i-th file, JOBS at a time, its output in WORK/result.i
# (read back in file order by the caller).
run_files() {
  local fn=$1 work=$2 i=0
  shift 2
  for f in "$@"; do
    "$fn" "$f" "$work/$i" >"$work/result.$i" 2>&1 &
    throttle_jobs
    i=$((i + 1))
  done
  wait
}
