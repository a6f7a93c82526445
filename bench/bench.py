"""fcall benchmarks: see bench/run.sh. Starts the emulator, measures, prints ratios."""
import argparse, json, os, re, statistics, subprocess, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--fcall", required=True)
ap.add_argument("--oha", required=True)
ap.add_argument("--runs", type=int, default=30)
ap.add_argument("--floor", help="bench/floor binary: the HTTP client alone")
a = ap.parse_args()
F = a.fcall
work = tempfile.mkdtemp(prefix="fcall-bench-")
env = dict(os.environ, FCALL_CONFIG=f"{work}/config.toml", FCALL_CACHE_DIR=f"{work}/cache", NO_COLOR="1")

emu = subprocess.Popen([F, "emulator", "--bind", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
addr = emu.stdout.readline().strip().removeprefix("listening on ")
url = f"http://{addr}"

def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, env=env, check=True, **kw)

sh(f"{F} profile add hw --provider huawei region=cn-north-4 project_id=0123456789abcdef0123456789abcdef endpoint={url} token=testtoken 2>/dev/null")
sh(f"{F} profile add fc --provider aliyun account_id=1 region=r endpoint={url} service=svc access_key_id=testak access_key_secret=testsk 2>/dev/null")
sh(f"{F} profile default hw 2>/dev/null")

def wall(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, shell=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t

def interleaved(a_cmd, b_cmd, runs):
    xs, ys = [], []
    for _ in range(runs):
        xs.append(wall(a_cmd)); ys.append(wall(b_cmd))
    return statistics.median(xs), statistics.median(ys)

def peak_rss_kb(cmd):
    out = subprocess.run(f"/usr/bin/time -f '%M' sh -c {json.dumps(cmd)}", shell=True, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    return int(out.strip().splitlines()[-1])

rows = []
def report(name, ours, theirs, unit, target, better="lower"):
    ratio = ours / theirs if theirs else float("nan")
    ok = ratio <= target if better == "lower" else ratio >= target
    rows.append((name, ours, theirs, unit, ratio, target, better, ok))
    sign = "≤" if better == "lower" else "≥"
    print(f"{name:44s} fcall {ours:10.2f} {unit:6s} other {theirs:10.2f} {unit:6s} ratio {ratio:5.2f} (target {sign} {target}) {'ok' if ok else 'MISSED'}", flush=True)

# 1. one sync invocation with the tail, from a fresh process: fcall vs curl sending the same request
curl_cmd = subprocess.run(f"{F} invoke echo --tail -d '{{\"k\":1}}' --curl --show-secrets", shell=True, env=env,
                          capture_output=True, text=True, check=True).stdout.strip()
with open(f"{work}/curl.sh", "w") as f:
    f.write(curl_cmd + "\n")
ours, theirs = interleaved(f"{F} invoke echo --tail -d '{{\"k\":1}}'", f"sh {work}/curl.sh", a.runs)
report("1. one sync invocation with --tail (median)", ours * 1e3, theirs * 1e3, "ms", 1.2)

# 2. start-up
ours, theirs = interleaved(f"{F} --version", "curl --version", a.runs)
report("2. start-up: --version (median)", ours * 1e3, theirs * 1e3, "ms", 1.5)

# 3. fan-out: 10,000 invocations, 64 in flight, vs oha on the same endpoint and concurrency;
# one run takes a fraction of a second, so take the median of ROUNDS interleaved runs each
n = 10000
rounds = 5
with open(f"{work}/lines.ndjson", "w") as f:
    f.write("{}\n" * n)
req = subprocess.run(f"{F} invoke echo -d '{{}}' --dry-run", shell=True, env=env, capture_output=True, text=True).stdout
target_url = req.splitlines()[0].split(" ", 1)[1]
header_lines = [l.replace("****", "testtoken") for l in req.splitlines()[1:]
                if ": " in l and not l.startswith("Authorization")]
headers = " ".join(f"-H {json.dumps(l)}" for l in header_lines)
def fcall_rps():
    return n / wall(f"{F} batch echo -j 64 --output json --input {work}/lines.ndjson")
def oha_rps(c=64):
    out = subprocess.run(f"{a.oha} --no-tui --output-format json -n {n} -c {c} -m POST -d '{{}}' {headers} '{target_url}'",
                         shell=True, env=env, capture_output=True, text=True).stdout
    return json.loads(out)["summary"]["requestsPerSec"]
def floor_rps():
    return float(subprocess.run([a.floor, target_url, str(n), "64", *header_lines], env=env,
                                capture_output=True, text=True, check=True).stdout)
runs = {"fcall": [], "oha": [], "floor": []}
for _ in range(rounds):
    runs["fcall"].append(fcall_rps())
    runs["oha"].append(oha_rps())
    if a.floor:
        runs["floor"].append(floor_rps())
fcall_med, oha64 = statistics.median(runs["fcall"]), statistics.median(runs["oha"])
report(f"3. batch 10k at 64 in flight (median of {rounds})", fcall_med, oha64, "req/s", 0.8, better="higher")
print(f"   emulator headroom: oha alone at 128 in flight: {oha_rps(128):.0f} req/s")
if a.floor:
    floor = statistics.median(runs["floor"])
    print(f"   client floor: reqwest alone, set up as fcall's transport, same loop: {floor:.0f} req/s "
          f"({floor / oha64:.2f} of oha; fcall is {fcall_med / floor:.2f} of it)")

# 4. peak memory
for lines in (10000, 100000):
    with open(f"{work}/l{lines}.ndjson", "w") as f:
        f.write("{}\n" * lines)
    kb = peak_rss_kb(f"{F} batch echo -j 64 --output json --input {work}/l{lines}.ndjson > /dev/null")
    report(f"4. peak RSS, batch of {lines} lines", kb / 1024, 20, "MB", 1.0)
kb = peak_rss_kb(f"{F} -p fc invoke svc/big -d '{{\"bytes\":100000000}}' > {work}/big.out")
report("4. peak RSS, 100 MB sync response to a file", kb / 1024, 20, "MB", 1.0)

# 5. a log read page by page, and a follow, keep memory flat however many lines pass
sh(f"{F} profile add lambda --provider aws region=us-east-1 endpoint={url} logs_endpoint={url} access_key_id=testak secret_access_key=testsk 2>/dev/null")
sh(f"{F} -p lambda invoke flood -d '{{\"lines\": 100000}}' > /dev/null")
for how in ("", " --follow"):
    small = peak_rss_kb(f"{F} -p lambda logs flood{how} --limit 1000 --output json > /dev/null")
    big = peak_rss_kb(f"{F} -p lambda logs flood{how} --limit 100000 --output json > /dev/null")
    report(f"5. peak RSS, logs{how or ' (pages)'}: 100,000 lines vs 1,000", big / 1024, small / 1024, "MB", 1.3)

size = os.path.getsize(F)
print(f"release binary: {size / 1e6:.1f} MB")
emu.kill()
missed = [r[0] for r in rows if not r[7]]
print("all targets met" if not missed else "missed: " + "; ".join(missed))
