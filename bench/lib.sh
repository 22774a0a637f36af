# Shell functions for the benchmark scripts (source it; it runs nothing by itself).
#   Statistics over one figure per line on stdin, tool installs, and the parsing of wrk's report.
#   Written for bench/run; bench/scale/run has twins (median, spread, starting PostgreSQL) that could
#   come from here.

# The median of the numbers on stdin (the mean of the middle two for an even count).
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "NaN"; else print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# "min – max" of the numbers on stdin.
spread() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "–"; else printf "%s – %s", a[1], a[NR]}'; }

# (max − min) / median of the numbers on stdin, as a whole percentage.
spread_pct() {
  sort -g | awk '{a[NR]=$1} END {
    if (NR == 0) { print "–"; exit }
    m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2
    if (m == 0) print "–"; else printf "%.0f %%", 100 * (a[NR] - a[1]) / m }'
}

# $1 / $2 to two decimals, or "–" when either is missing or $2 is 0.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || a == "NaN" || b == "NaN" || b + 0 == 0) print "–"; else printf "%.2f", a / b}'; }

# "met" or "not met" for: value op target (op is one of >= <= > <); "not measured" without a value.
met() {
  awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
    if (v == "" || v == "NaN" || v == "–") { print "not measured"; exit }
    ok = (op == ">=") ? v >= t : (op == "<=") ? v <= t : (op == ">") ? v > t : v < t
    print ok ? "met" : "not met" }'
}

# Thousands separators for a whole number (rounded): 12345.6 -> 12,346.
thousands() { awk -v v="$1" 'BEGIN {if (v == "" || v == "NaN" || v == "–") {print "–"; exit} s = sprintf("%.0f", v); n = ""; while (length(s) > 3) {n = "," substr(s, length(s) - 2) n; s = substr(s, 1, length(s) - 3)} print s n}'; }

now_us() { echo $(( $(date +%s%N) / 1000 )); }

# Installs the Debian packages that provide the commands not found: pairs of command:package.
install_missing() {
  local need=() pair
  for pair in "$@"; do command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}"); done
  [ "${#need[@]}" -eq 0 ] && return 0
  echo "bench: installing ${need[*]} (Debian)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
}

# Fails when something already listens on 127.0.0.1:$1 (another run, another program).
require_free_port() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "bench: port $1 is taken; stop what listens there first" >&2; return 1
  fi
}

# Polls $1 until it answers 2xx, at most $2 seconds.
await_http() {
  local deadline=$(( $(date +%s) + $2 ))
  until curl -sf -o /dev/null "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# wrk's report (run with --latency) on stdin -> "ok_per_second p50_ms p99_ms failed requests seconds":
# ok = answered 2xx; failed = other answers plus socket errors.
wrk_figures() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    / requests in / { requests = $1; seconds = $4 + 0 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad += $5 }
    /Socket errors:/ { for (i = 3; i <= NF; i += 2) bad += $(i + 1) }
    END {
      ok = requests - bad; if (ok < 0) ok = 0
      printf "%.0f %.2f %.2f %d %d %.2f\n", (seconds > 0 ? ok / seconds : 0), p50, p99, bad, requests, seconds
    }'
}

# PostgreSQL refuses to run as root: as root, its programs run as the postgres user.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# A new cluster of the newest PostgreSQL installed (Debian's layout) in the empty folder $1, serving
# 127.0.0.1:$2 with trust authentication and the defaults' durability (fsync, synchronous_commit on),
# its log in $1/log. The server stays this shell's child (its CPU counts in `times`). Sets pg_bin and
# pg_pid; fails when it does not answer within 30 s.
start_postgres() {
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [ "$(id -u)" = 0 ] && chown postgres "$1"
  as_postgres "$pg_bin/initdb" -D "$1" -U postgres --auth=trust -E UTF8 > "$1.init.log" 2>&1 || return 1
  as_postgres "$pg_bin/postgres" -D "$1" -p "$2" -k "$1" -c listen_addresses=127.0.0.1 -c fsync=on \
    -c synchronous_commit=on > "$1/log" 2>&1 &
  pg_pid=$!
  local _
  for _ in $(seq 1 150); do "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$2" && return 0; sleep 0.2; done
  return 1
}

# Stops the server start_postgres started on $1 (fast: open sessions are cut), if any.
stop_postgres() {
  [ -n "${pg_pid:-}" ] || return 0
  as_postgres "$pg_bin/pg_ctl" -D "$1" stop -m fast >/dev/null 2>&1 || kill "$pg_pid" 2>/dev/null || true
  wait "$pg_pid" 2>/dev/null || true
  pg_pid=""
}

# True when the rates given (each an argument) agree within 10 % of the largest: (max − min) / max <= 0.1.
# Half of bench/run's test for a settled warm-up (the other: the JIT has nearly stopped compiling).
agree() {
  printf '%s\n' "$@" | awk 'NR == 1 || $1 > max {max = $1} NR == 1 || $1 < min {min = $1} END {exit !(max > 0 && (max - min) / max <= 0.10)}'
}

# The CPU of a running JVM by kind of thread, and the JIT compilers' share of a core: a JVM is warm
# once its JIT has (nearly) stopped compiling. Read from /proc, so any JVM of this machine.
thread_kinds() { # $1 a JVM's pid: "virtual writer jit gc", CPU time (clock ticks) of its threads alive now, by kind
  cat /proc/"$1"/task/*/stat 2>/dev/null | awk '{
    name = substr($0, index($0, "(") + 1); name = substr(name, 1, index(name, ")") - 1)
    rest = substr($0, index($0, ") ") + 2); split(rest, f, " "); t = f[12] + f[13]
    if (name ~ /^ForkJoinPool-[0-9]/) v += t        # the virtual threads: requests, sending, handlers
    else if (name == "hookline-writer") w += t       # the single writer: every write to the store
    else if (name ~ /^C[12] Compiler/) j += t       # the JIT compilers
    else if (name ~ /^(GC Thread|G1 )/) g += t      # the garbage collector
  } END {print v + 0, w + 0, j + 0, g + 0}'
}
jit_ticks() { thread_kinds "$1" | cut -d' ' -f3; } # $1 pid: CPU time (clock ticks) of that JVM's JIT compiler threads alive now
jit_share() { # $1 ticks before, $2 after, $3 ns between: the JIT's share of one core, in % (a thread that ended took its ticks along: 0 then)
  awk -v d=$(( $2 - $1 )) -v hz="$(getconf CLK_TCK)" -v ns="$3" 'BEGIN {printf "%.0f", (d < 0 ? 0 : d) / hz / (ns / 1e9) * 100}'
}
