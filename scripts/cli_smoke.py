#!/usr/bin/env python3
"""End-to-end checks of the `rapport` command line, on the built binary.

Covers what the Swift test suites cannot reach from inside the process: argument parsing and --help, settings
errors at start-up, migrate/--revert, user and token commands, and the first run of `serve` (database created,
admin password printed once, API usable with a CLI-made token, CLI revocation honoured).

Uses SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set (a fresh database on that server).
Usage: scripts/cli_smoke.py [path/to/rapport]
"""
import csv
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/rapport")
FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        FAILURES.append(what)


def run(*args, env=None, stdin=None):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, env=env, input=stdin, timeout=120)


def http(method, url, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_postgres(url):
    """A new database on the server of `url`; returns its URL and a function that drops it."""
    name = "cli_smoke_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", url, "-qc", f"CREATE DATABASE {name}"], check=True)
    parts = urllib.parse.urlsplit(url)
    new_url = urllib.parse.urlunsplit(parts._replace(path="/" + name))
    return new_url, lambda: subprocess.run(["psql", url, "-qc", f"DROP DATABASE {name} WITH (FORCE)"], check=False)


def main():
    folder = tempfile.mkdtemp(prefix="rapport-cli-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env["RAPPORT_LOG_LEVEL"] = "warning"
    drop = None
    if "DATABASE_URL" in env:
        env["DATABASE_URL"], drop = fresh_postgres(env["DATABASE_URL"])
    database = os.path.join(folder, "data", "rapport.sqlite")
    db = ["--database", database]
    server = None
    try:
        # Help on every command.
        for command in [[], ["serve"], ["migrate"], ["user", "create"], ["token", "create"], ["token", "revoke"], ["demo"],
                        ["recompute"], ["crowds", "count"], ["crowds", "create"], ["crowds", "refresh"]]:
            result = run(*command, "--help")
            check(result.returncode == 0 and "USAGE" in result.stdout.upper(), f"rapport {' '.join(command)} --help")

        # Invalid settings: one message listing every one, non-zero exit, nothing created.
        bad = dict(env, RAPPORT_PORT="http", RAPPORT_PHONE_REGION="ZZ")
        result = run("migrate", *db, env=bad)
        check(result.returncode != 0 and "RAPPORT_PORT" in result.stderr and "RAPPORT_PHONE_REGION" in result.stderr,
              "invalid settings are all listed at start")

        # migrate, migrate --revert, migrate again.
        check(run("migrate", *db, env=env).returncode == 0, "migrate")
        if "DATABASE_URL" not in env:
            check(os.path.exists(database), "migrate creates the SQLite file and its folder")
        check(run("migrate", "--revert", *db, env=env).returncode == 0, "migrate --revert")
        check(run("migrate", *db, env=env).returncode == 0, "migrate after revert")

        # First run of serve: admin created, password printed once, URL printed.
        port = free_port()
        log = open(os.path.join(folder, "serve.out"), "w+")
        serve_env = dict(env, RAPPORT_TOKEN_CACHE_SECONDS="0")
        server = subprocess.Popen([BINARY, "serve", *db, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                                  env=serve_env)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if http("GET", base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        log.seek(0)
        banner = log.read()
        password = re.search(r"password: (\S+)", banner)
        check(password is not None and "admin@rapport.local" in banner, "first serve prints the admin's password")
        check(base in banner, "serve prints its URL")
        check(http("GET", base + "/readyz")[0] == 200, "/readyz answers without a token")

        # user create: generated password once; --password-stdin; a duplicate is refused.
        result = run("user", "create", "--email", "Agent@Shop.CN", "--name", "王 agent", "--role", "agent",
                     "--team", "east", *db, env=env)
        check(result.returncode == 0 and re.search(r"password \(shown once\): \S{20}", result.stdout) is not None,
              "user create prints a generated password")
        result = run("user", "create", "--email", "analyst@shop.cn", "--name", "A", "--role", "analyst",
                     "--password-stdin", *db, env=env, stdin="a-long-enough-password\n")
        check(result.returncode == 0 and "password" not in result.stdout.split("\n", 1)[1], "--password-stdin")
        result = run("user", "create", "--email", "agent@shop.cn", "--name", "dup", "--role", "agent", *db, env=env)
        check(result.returncode != 0 and "already exists" in result.stderr, "a taken e-mail is refused")
        result = run("user", "create", "--email", "x@y.cn", "--name", "X", "--role", "boss", *db, env=env)
        check(result.returncode != 0, "an unknown role is refused")

        # token create prints only the token; the token works; revoke makes it fail.
        result = run("token", "create", "--email", "admin@rapport.local", "--name", "smoke", *db, env=env)
        token = result.stdout.strip()
        check(result.returncode == 0 and re.fullmatch(r"rap_[A-Za-z0-9_-]{43}", token) is not None,
              "token create prints only the token")
        status, created = http("POST", base + "/api/v1/customers", token, {"name": "命令行客户", "phones": [{"number": "13800138000"}]})
        check(status == 201 and created["phones"][0]["number"] == "+8613800138000", "the CLI token creates a customer")
        status, _ = http("GET", base + "/api/v1/customers", None)
        check(status == 401, "no token is a 401")
        result = run("token", "revoke", "--name", "smoke", "--email", "admin@rapport.local", *db, env=env)
        check(result.returncode == 0, "token revoke")
        check(http("GET", base + "/api/v1/customers", token)[0] == 401, "a token revoked from the CLI is refused")
        result = run("token", "revoke", "--name", "smoke", "--email", "admin@rapport.local", *db, env=env)
        check(result.returncode != 0, "revoking twice fails")

        # The OpenAPI document is a valid OpenAPI 3.1 document (when the validator is installed).
        status, document = http("GET", base + "/api/openapi.json")
        try:
            from openapi_spec_validator import validate
            validate(document)
            check(True, "the OpenAPI document validates as OpenAPI 3.1")
        except ImportError:
            print("skip openapi-spec-validator is not installed")
        except Exception as error:  # the validator's own exception types vary by version
            check(False, f"the OpenAPI document validates: {error}")

        # demo refuses a database that already has customers, and fills fresh ones the same way for a seed.
        result = run("demo", "--customers", "10", *db, env=env)
        check(result.returncode != 0 and "fresh database" in result.stderr, "demo refuses a database with customers")
        demo_rows = []
        # Both runs end their history at the same instant (today's start, as the default would), even across midnight.
        demo_end = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime())
        for attempt in range(2):
            target, demo_env, cleanup = fresh_target(folder, f"demo{attempt}", env)
            try:
                result = run("demo", "--customers", "300", "--seed", "7", "--end", demo_end, *target,
                             env=demo_env)
                check(result.returncode == 0 and "300 customers" in result.stdout, f"demo --customers 300 (run {attempt + 1})")
                demo_rows.append(query(target, demo_env, "SELECT c.id, c.number, c.name, s.orders_count, "
                                                         "s.total_spent_minor FROM customers c JOIN customer_stats s "
                                                         "ON s.number = c.number ORDER BY c.number"))
                if attempt == 0:
                    stages = query(target, demo_env, "SELECT DISTINCT stage FROM customer_stats")
                    check({row[0] for row in stages} == {"prospect", "new", "active", "silent", "churned"},
                          "the demo business has customers in every stage")
                    families = query(target, demo_env, "SELECT DISTINCT family FROM customer_events")
                    check({row[0] for row in families} == {"info", "status", "transaction", "relationship"},
                          "the demo business has events of every family")
                    scored = int(query(target, demo_env, "SELECT COUNT(*) FROM customer_values")[0][0])
                    buyers = int(query(target, demo_env, "SELECT COUNT(*) FROM customer_stats WHERE orders_count > 0")[0][0])
                    check(scored == buyers and scored > 0, "the demo scores every customer who bought")
                    result = run("recompute", *target, env=demo_env)
                    summary = figures(result.stdout)
                    check(result.returncode == 0 and summary.get("customers judged (lifecycle)") == "300"
                          and summary.get("stage events") == "0" and summary.get("values written / removed") == "0 / 0"
                          and summary.get("value events (classes, shifts)") == "0"
                          and summary.get("crowds refreshed") == "22" and summary.get("crowd entries / exits") == "0 / 0",
                          "recompute right after the demo changes nothing")
                    crowd_checks(target, demo_env)
                    export_and_dedupe_checks(folder, target, demo_env)
                    result = run("recompute", "--as-of", "2099-01-01T00:00:00Z", *target, env=demo_env)
                    summary = figures(result.stdout)
                    check(result.returncode == 0 and summary.get("stage events") != "0"
                          and summary.get("values written / removed", "0 / 0") != "0 / 0"
                          and summary.get("crowd entries / exits", "0 / 0") != "0 / 0",
                          "recompute far in the future moves customers on, into and out of crowds")
                    result = run("recompute", "--as-of", "2099-01-01T00:00:00Z", *target, env=demo_env)
                    summary = figures(result.stdout)
                    check(result.returncode == 0 and summary.get("stage events") == "0"
                          and summary.get("values written / removed") == "0 / 0", "recompute again writes nothing")
                    result = run("recompute", "--as-of", "tomorrow", *target, env=demo_env)
                    check(result.returncode != 0 and "--as-of" in result.stderr, "recompute rejects a bad --as-of")
            finally:
                cleanup()
        check(len(demo_rows) == 2 and demo_rows[0] == demo_rows[1] and len(demo_rows[0]) == 300,
              "the demo is the same for the same seed")

        analytics_checks(folder)
        import_checks(folder, env)

        # Fuzz every operation from the OpenAPI document: no 500s, and every response matches the document.
        if shutil.which("schemathesis"):
            fuzz_token = run_token(env, db)
            result = subprocess.run(
                ["schemathesis", "run", base + "/api/openapi.json", "-H", f"Authorization: Bearer {fuzz_token}",
                 "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,"
                             "content_type_conformance",
                 "--exclude-operation-id", "revokeToken", "--max-examples", "25", "--seed", "1"],
                capture_output=True, text=True, timeout=600)
            check(result.returncode == 0, "schemathesis finds no server error and no response off the document")
            if result.returncode != 0:
                print(result.stdout[-3000:])
        else:
            print("skip schemathesis is not installed")

    finally:
        if server:
            server.terminate()
            server.wait(timeout=20)
        if drop:
            drop()
        shutil.rmtree(folder, ignore_errors=True)
    if FAILURES:
        print(f"cli smoke: {len(FAILURES)} failed: {FAILURES}")
        sys.exit(1)
    print("cli smoke: all checks passed")


def figures(output):
    """The `| figure | value |` rows of a summary table, by figure."""
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 2:
            rows[cells[0]] = cells[1]
    return rows


def crowd_checks(target, env):
    """`rapport crowds` on the demo business: built-ins hold what the stats say, counts agree with SQL, bad rules are
    refused by column, a new crowd is decided at once and a refresh right after changes nothing."""
    prospects = int(query(target, env, "SELECT COUNT(*) FROM customer_stats WHERE stage = 'prospect'")[0][0])
    result = run("crowds", "list", *target, env=env)
    listed = {}
    for line in result.stdout.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4:
            listed[cells[0]] = cells[2]
    check(result.returncode == 0 and listed.get("potential") == str(prospects) and "rfm-champions" in listed,
          "crowds list shows the built-in crowds with their members")
    result = run("crowds", "count", "stage = prospect", *target, env=env)
    check(result.returncode == 0 and result.stdout.startswith(f"{prospects} customers"), "crowds count agrees with SQL")
    result = run("crowds", "count", "orders_count >= ", *target, env=env)
    check(result.returncode != 0 and "column 17: expected a value after '>='" in result.stderr,
          "crowds count refuses a bad rule, naming the column")
    high = int(query(target, env, "SELECT COUNT(*) FROM customer_values v JOIN customers c ON c.number = v.number "
                                  "WHERE v.tier = 'high' AND c.archived_at IS NULL")[0][0])
    result = run("crowds", "create", "--name", "高价值 VIP", "--rule", "tier = high", *target, env=env)
    check(result.returncode == 0 and result.stdout.strip().endswith(f"with {high} members") and high > 0,
          "crowds create decides the new crowd's members")
    result = run("crowds", "refresh", *target, env=env)
    summary = figures(result.stdout)
    check(result.returncode == 0 and summary.get("crowds refreshed") == "23" and summary.get("entries") == "0"
          and summary.get("exits") == "0", "crowds refresh right after changes nothing")


def export_and_dedupe_checks(folder, target, env):
    """`rapport export` of the demo business imports back, into an empty database, to the same customers (CSV and
    JSON Lines); `rapport dedupe scan` lists pairs as JSON Lines with both numbers, external IDs and the score."""
    def customers_csv(path):
        with open(path, encoding="utf-8-sig", newline="") as file:
            rows = list(csv.DictReader(file))
        for row in rows:
            for column in ["number", "created_at", "updated_at", "archived_at"]:
                row.pop(column, None)
        return rows

    exported = os.path.join(folder, "export.csv")
    result = run("export", "customers", "--output", exported, *target, env=env)
    check(result.returncode == 0 and "300 customers written" in result.stdout, "export customers writes every customer")
    original = customers_csv(exported)
    for format, suffix in [("csv", "csv"), ("jsonl", "jsonl")]:
        path = os.path.join(folder, f"export-{format}.{suffix}")
        run("export", "customers", "--format", format, "--output", path, *target, env=env)
        empty, empty_env, drop = fresh_target(folder, f"reimport-{format}", env)
        try:
            run("migrate", *empty, env=empty_env)
            result = run("import", "customers", path, *empty, env=empty_env)
            summary = figures(result.stdout)
            check(result.returncode == 0 and summary.get("created") == "300" and summary.get("rejected") == "0",
                  f"an exported {format} file imports into an empty database as 300 customers")
            again = os.path.join(folder, f"again-{format}.csv")
            run("export", "customers", "--output", again, *empty, env=empty_env)
            check(customers_csv(again) == original, f"customers imported from {format} equal the exported ones")
            result = run("import", "customers", again, *empty, env=empty_env)
            check(figures(result.stdout).get("unchanged") == "300", "importing a database's own export changes nothing")
        finally:
            drop()
    result = run("export", "events", "--format", "jsonl", "--filter", "tier = high", *target, env=env)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    check(result.returncode == 0 and lines and all("seq" in line for line in lines), "export events as JSON Lines")
    result = run("export", "orders", *target, env=env)
    check(result.returncode != 0 and "kind" in result.stderr, "export refuses an unknown kind")

    result = run("dedupe", "scan", "--format", "jsonl", *target, env=env)
    pairs = [json.loads(line) for line in result.stdout.splitlines()]
    check(result.returncode == 0 and all(pair["score"] >= 0.8 and pair["first"]["number"].startswith("C-")
                                         and "external_ids" in pair["second"] for pair in pairs),
          f"dedupe scan lists {len(pairs)} pairs as JSON Lines")
    result = run("dedupe", "scan", *target, env=env)
    check(result.returncode == 0 and figures(result.stdout).get("customers scanned") == "300"
          and figures(result.stdout).get("new in the queue") == "0", "dedupe scan again adds nothing new")
    result = run("dedupe", "scan", "--min-score", "0.2", *target, env=env)
    check(result.returncode != 0 and "--min-score" in result.stderr, "dedupe scan refuses a bad --min-score")


def import_checks(folder, env):
    """`rapport import customers`: dry run, reports, idempotence, GB18030, bad files, and an import killed with
    SIGKILL and run again ending exactly as one clean run."""
    rows = ["姓名,手机,邮箱,城市,客户编号,会员等级"]
    for index in range(2400):
        rows.append(f"客户{index},1{3800000000 + index * 7:010d},c{index}@example.com,{['上海市', '杭州市'][index % 2]},"
                    f"E-{index},{'金卡' if index % 3 == 0 else ''}")
    rows[101] = "坏行,12,,,E-BAD,"
    data = "\n".join(rows) + "\n"
    path = os.path.join(folder, "customers.csv")
    with open(path, "w", encoding="utf-8") as file:
        file.write(data)

    def customers(target, env):
        return query(target, env, "SELECT number, name, document FROM customers ORDER BY number")

    def events(target, env):
        return query(target, env, "SELECT kind, COUNT(*) FROM customer_events GROUP BY kind ORDER BY kind")

    clean, clean_env, drop_clean = fresh_target(folder, "import-clean", env)
    killed, killed_env, drop_killed = fresh_target(folder, "import-killed", env)
    try:
        result = run("import", "customers", path, "--source", "erp", "--dry-run", *clean, env=clean_env)
        check(result.returncode == 2 and "line 102: rejected: 手机" in result.stdout
              and "| would be created | 2399 |" in result.stdout, "import --dry-run prints what each row would do")
        check(customers(clean, clean_env) == [], "import --dry-run writes nothing")
        report = path + ".rejected.csv"
        with open(report, encoding="utf-8") as file:
            check(file.read().splitlines()[1].startswith('102,"手机: '), "rejected rows go to the report with their line")
        result = run("import", "customers", path, "--source", "erp", "--allow-rejects", *clean, env=clean_env)
        check(result.returncode == 0 and "| created | 2399 |" in result.stdout, "import creates the customers")
        expected, expected_events = customers(clean, clean_env), events(clean, clean_env)
        result = run("import", "customers", path, "--source", "erp", "--allow-rejects", *clean, env=clean_env)
        check(result.returncode == 0 and "imported to the end already" in result.stdout
              and events(clean, clean_env) == expected_events, "importing the same file again writes nothing")

        # Killed mid-way (SIGKILL, no chance to clean up), then run again: the same state as one clean run.
        process = subprocess.Popen([BINARY, "import", "customers", path, "--source", "erp", "--allow-rejects",
                                    "--batch", "50", *killed], env=killed_env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline and process.poll() is None:
            try:
                progress = query(killed, killed_env, "SELECT last_line FROM imports")
            except Exception:  # the database or the table may not exist yet
                progress = []
            if progress and int(progress[0][0]) >= 400:
                break
            time.sleep(0.05)
        process.kill()
        process.wait()
        partial = len(customers(killed, killed_env))
        check(0 < partial < 2399, f"the killed import stopped part-way ({partial} customers)")
        result = run("import", "customers", path, "--source", "erp", "--allow-rejects", *killed, env=killed_env)
        check(result.returncode == 0 and "resuming import" in result.stdout, "the import resumes after a kill")
        check(customers(killed, killed_env) == expected and events(killed, killed_env) == expected_events,
              "a killed and resumed import ends exactly as a clean one")
    finally:
        drop_clean()
        drop_killed()

    gb_path = os.path.join(folder, "gbk.csv")
    with open(gb_path, "wb") as file:
        file.write("客户名称\t手机号码\t生日\n陈静\t13700137000\t1992年5月6日\n".encode("gb18030"))
    target, target_env, drop = fresh_target(folder, "import-gb", env)
    try:
        result = run("import", "customers", gb_path, *target, env=target_env)
        rows = query(target, target_env, "SELECT name, birthday FROM customers")
        check(result.returncode == 0 and "GB18030" in result.stdout and rows == [("陈静", "1992-05-06")],
              "a GB18030, tab-separated file with Chinese headers imports")
        for name, content, needle, what in [
            ("empty.csv", b"", "empty", "an empty file"),
            ("binary.csv", bytes(range(256)) * 40, "not a text file", "binary garbage"),
        ]:
            bad = os.path.join(folder, name)
            with open(bad, "wb") as file:
                file.write(content)
            result = run("import", "customers", bad, *target, env=target_env)
            check(result.returncode != 0 and needle in result.stderr, f"import refuses {what}")
        result = run("import", "customers", gb_path, "--map", "电话=phone", *target, env=target_env)
        check(result.returncode != 0 and "'电话', which is not a column" in result.stderr,
              "import --map naming an unknown column is refused")
    finally:
        drop()


def analytics_checks(folder):
    """`rapport analytics fit|score` on the CDNOW fixture (no database), and its refusals of bad input."""
    fixture = str(ROOT / "Tests/RapportAnalyticsTests/Fixtures/cdnow_sample_transactions.csv")
    calibration = ["--transactions", fixture, "--as-of", "1997-09-30", "--time-unit", "week"]
    result = run("analytics", "fit", *calibration, "--json")
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "gamma": 15.44}
    try:
        fit = json.loads(result.stdout)
        fitted = {**fit["bgnbd"], **fit["gamma_gamma"]}
        close = all(abs(fitted[name] - value) / value < 0.005 for name, value in published.items())
    except (ValueError, KeyError, TypeError):
        fit, close = {}, False
    check(result.returncode == 0 and close and fit.get("customers") == 2357 and fit.get("time_unit") == "week",
          "analytics fit reproduces the published CDNOW parameters")
    scores = os.path.join(folder, "scores.csv")
    result = run("analytics", "score", *calibration, "--out", scores)
    with open(scores, encoding="utf-8") as file:
        lines = file.read().splitlines()
    check(result.returncode == 0 and len(lines) == 2358 and lines[0].startswith("customer_id,x,t_x,T,monetary_value,"
                                                                                "p_alive,expected_purchases_30"),
          "analytics score writes one row per customer")
    model = os.path.join(folder, "model.json")
    with open(model, "w", encoding="utf-8") as file:
        file.write(run("analytics", "fit", *calibration, "--json").stdout)
    again = os.path.join(folder, "scores-again.csv")
    result = run("analytics", "score", "--transactions", fixture, "--model", model, "--out", again)
    with open(again, encoding="utf-8") as file:
        check(result.returncode == 0 and file.read().splitlines() == lines,
              "analytics score --model scores as a fresh fit does")
    with open(model, "w", encoding="utf-8") as file:
        file.write('{"bgnbd": {"r": -1}}')
    result = run("analytics", "score", "--transactions", fixture, "--model", model, "--out", again)
    check(result.returncode != 0 and "bgnbd.r" in result.stderr, "analytics score refuses a broken --model, by field")
    bad = os.path.join(folder, "bad.csv")
    with open(bad, "w", encoding="utf-8") as file:
        file.write("customer_id,date,amount\n1,2025-01-02,10\n2,2025-02-30,5\n")
    for arguments, needle, what in [
        (["--transactions", os.path.join(folder, "missing.csv")], "--transactions", "a missing file"),
        (["--transactions", bad], "line 3: date '2025-02-30'", "an impossible date, by line"),
        (["--transactions", fixture, "--time-unit", "month"], "--time-unit", "an unknown time unit"),
        (["--transactions", fixture, "--as-of", "yesterday"], "--as-of", "a bad --as-of"),
    ]:
        result = run("analytics", "fit", *arguments)
        check(result.returncode != 0 and needle in result.stderr, f"analytics fit refuses {what}")


def fresh_target(folder, name, env):
    """Database flags and environment for a new, empty database, and a function that removes it."""
    if "DATABASE_URL" in env:
        url, drop = fresh_postgres(os.environ["DATABASE_URL"])
        return [], {**env, "DATABASE_URL": url}, drop
    return ["--database", os.path.join(folder, name, "rapport.sqlite")], env, lambda: None


def query(target, env, sql):
    """Rows of a query on the database a command with `target` flags and `env` uses."""
    if "DATABASE_URL" in env:
        output = subprocess.run(["psql", env["DATABASE_URL"], "-AtF", "\t", "-c", sql], capture_output=True,
                                text=True, check=True).stdout
        return [tuple(line.split("\t")) for line in output.splitlines()]
    import sqlite3
    with sqlite3.connect(target[1]) as connection:
        return [tuple(str(value) for value in row) for row in connection.execute(sql)]


def run_token(env, db):
    result = run("token", "create", "--email", "admin@rapport.local", "--name", "list-" + uuid.uuid4().hex[:6], *db, env=env)
    return result.stdout.strip()


if __name__ == "__main__":
    main()
