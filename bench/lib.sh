# Shared by the benchmark scripts that start khaibao themselves (source it after `cd` to the
# repository): a free TCP port, and the server started for a benchmark — sign-in codes and
# write limits out of the load's way, its log in WORK/server.log.

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# start_khaibao DB WORK PORT: sets pid. KB_BIN names another binary, KB_SERVE_ARGS adds options.
start_khaibao() {
  "${KB_BIN:-./build/khaibao}" serve --db "$1" --data-dir "$2" --listen "127.0.0.1:$3" \
    --otp-ip-limit 1000000 --otp-resend-after 0 --write-limit-caller 0 --write-limit-address 0 \
    ${KB_SERVE_ARGS:-} >"$2/server.log" 2>&1 &
  pid=$!
}

# wait_healthy PORT: until /healthz answers (10 s at most); fails otherwise.
wait_healthy() {
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.1; done
  return 1
}
