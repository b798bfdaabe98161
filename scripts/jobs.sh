# Sourced by the import scripts: run at most JOBS background jobs at once (default 2, CI's two cores).
# Usage: start a job with `cmd &`, then call `throttle_jobs`; `wait` at the end.
throttle_jobs() {
  while [ "$(jobs -rp | wc -l)" -ge "${JOBS:-2}" ]; do wait -n || true; done
}
