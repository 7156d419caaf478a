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
        activity_import_checks(folder, env)

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


def activity_import_checks(folder, env):
    """`rapport import transactions|interactions`: a GB18030 file whose orders span rows, a dry run, bad rows reported
    with their line and content, a re-run that writes nothing, a run killed with SIGKILL and run again ending exactly
    as one clean run, and a database's own exports (CSV and JSON Lines) importing back unchanged."""
    customers_path = os.path.join(folder, "activity-customers.csv")
    with open(customers_path, "w", encoding="utf-8") as file:
        file.write("姓名,手机,客户编号\n" + "".join(f"客户{i},1{3900000000 + i * 7:010d},E-{i}\n" for i in range(300)))

    header = ["订单号", "客户编号", "类型", "下单时间", "实付金额", "商品编码", "商品名称", "数量", "原订单号", "备注"]
    records, lines, created = [header], 1, 0
    for i in range(2400):
        month, day, hour, minute = 1 + i % 12, 1 + i % 28, 8 + i % 12, i % 60
        when = [f"2025-{month:02d}-{day:02d} {hour:02d}:{minute:02d}", f"2025/{month}/{day} {hour}:{minute:02d}:05",
                f"2025年{month}月{day}日"][i % 3]
        amount = f"¥{(i * 37) % 5000 + 1:,}.50"
        if i % 40 == 39 and i >= 300:
            records.append([f"R-{i}", f"E-{i % 300}", "退款", "2025-12-31 23:00", "1.00", "", "", "", f"O-{i - 300}", ""])
        elif i % 10 == 0:
            records.append([f"O-{i}", f"E-{i % 300}", "购买", when, "¥20", "TEA-1", "龙井", "2", "", "两件"])
            records.append([f"O-{i}", f"E-{i % 300}", "购买", when, amount, f"SKU-{i % 7}", f"商品{i % 7}", "1", "", ""])
        else:
            records.append([f"O-{i}", f"E-{i % 300}", "", when, amount, "", "", "", "", ""])
        created += 1
    bad_start = len(records) + 1
    records += [
        ["O-X1", "E-999", "", "2025-03-01", "100", "", "", "", "", ""],
        ["O-X2", "E-1", "", "2025-03-01", "1.234,50", "", "", "", "", ""],
        ["O-X3", "E-1", "", "昨天", "100", "", "", "", "", ""],
        ["O-X4", "E-1", "2025-03-01"],
        ["R-X5", "E-2", "退款", "2025-12-31", "99999", "", "", "", "O-302", ""],
        ["", "E-5", "", "2025-04-01 10:00", "88", "", "", "", "", "同一天两笔"],
        ["", "E-5", "", "2025-04-01 10:00", "88", "", "", "", "", "同一天两笔"],
    ]
    created += 2
    import io
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(records)
    transactions_path = os.path.join(folder, "transactions.csv")
    with open(transactions_path, "wb") as file:
        file.write((text.getvalue() + 'O-X6,E-1,,2025-03-01,"100\n').encode("gb18030"))

    interactions_path = os.path.join(folder, "interactions.csv")
    channels = ["电话", "微信", "拜访", "邮件", "短信", "面谈"]
    durations = ["330", "05:30", "5分30秒", "1小时5分", "", "90s"]
    with open(interactions_path, "w", encoding="utf-8-sig") as file:
        file.write("客户编号,手机,渠道,方向,时间,主题,备注,时长,评分\n")
        for i in range(1500):
            customer = f"E-{i % 300},," if i % 4 else f",1{3900000000 + (i % 300) * 7:010d},"
            file.write(f"{customer}{channels[i % 6]},{['呼出', '呼入'][i % 2]},2025/{1 + i % 12}/{1 + i % 28} "
                       f"{9 + i % 9}:{i % 60:02d},回访 {i % 17},第{i % 5}次沟通,{durations[i % 6]},{1 + i % 5}\n")
        file.write("E-1,,电话,呼出,2025/5/5 10:00,回访,,,\nE-1,,电话,呼出,2025/5/5 10:00,回访,,,\n")
        file.write("E-1,,飞鸽,呼出,2025/5/5 10:00,回访,,,\n")

    def snapshot(target, env):
        transactions = sorted(
            (number, "import-…" if (order or "").startswith("import-") else order, *rest)
            for number, order, *rest in query(target, env, """
                SELECT c.number, t.external_id, t.kind, t.amount_minor, t.refunded_minor, t.occurred_at, t.lines,
                r.external_id FROM transactions t JOIN customers c ON c.id = t.customer_id
                LEFT JOIN transactions r ON r.id = t.refund_of"""))
        interactions = query(target, env, """
            SELECT c.number, i.channel, i.direction, i.occurred_at, i.subject, i.notes, i.duration_seconds, i.quality
            FROM interactions i JOIN customers c ON c.id = i.customer_id ORDER BY 1, 2, 3, 4, 5, 6, 7, 8""")
        events = query(target, env, "SELECT kind, COUNT(*) FROM customer_events GROUP BY kind ORDER BY kind")
        activity = query(target, env, """
            SELECT c.number, e.kind, e.occurred_at FROM customer_events e JOIN customers c ON c.id = e.customer_id
            WHERE e.family IN ('transaction', 'relationship') ORDER BY 1, 2, 3""")
        stats = query(target, env, """
            SELECT c.number, s.stage, s.orders_count, s.total_spent_minor, s.purchase_days, s.last_interaction_at
            FROM customer_stats s JOIN customers c ON c.number = s.number ORDER BY 1""")
        return transactions, interactions, events, activity, stats

    def killed_run(kind, path, target, env, extra):
        process = subprocess.Popen([BINARY, "import", kind, path, "--source", "erp", "--allow-rejects", "--batch", "50",
                                    *extra, *target], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline and process.poll() is None:
            try:
                progress = query(target, env, f"SELECT last_line FROM imports WHERE kind = '{kind}'")
            except Exception:  # the table may be locked or not there yet
                progress = []
            if progress and int(progress[0][0]) >= 400:
                break
            time.sleep(0.05)
        process.kill()
        process.wait()

    clean, clean_env, drop_clean = fresh_target(folder, "activity-clean", env)
    killed, killed_env, drop_killed = fresh_target(folder, "activity-killed", env)
    try:
        for target, target_env in [(clean, clean_env), (killed, killed_env)]:
            run("import", "customers", customers_path, "--source", "erp", *target, env=target_env)

        result = run("import", "transactions", transactions_path, "--source", "erp", "--dry-run", *clean, env=clean_env)
        check(result.returncode == 2 and "GB18030" in result.stdout and "订单号 → external_id" in result.stdout
              and f"line {bad_start}: rejected: 客户编号: no customer has the external ID E-999 in erp" in result.stdout
              and f"| would be created | {created} |" in result.stdout
              and query(clean, clean_env, "SELECT COUNT(*) FROM transactions") == [("0",)],
              "import transactions --dry-run prints what each row would do and writes nothing")
        with open(transactions_path + ".rejected.csv", encoding="utf-8") as file:
            report = {int(row["line"]): row for row in csv.DictReader(file)}
        check(set(report) == set(range(bad_start, bad_start + 5)) | {bad_start + 7}
              and report[bad_start + 1]["row"] == 'O-X2,E-1,,2025-03-01,"1.234,50",,,,,'
              and report[bad_start + 1]["reason"].startswith("实付金额: '1.234,50' is not an amount")
              and report[bad_start + 2]["reason"].startswith("下单时间: '昨天' is not a date")
              and report[bad_start + 3]["row"] == "O-X4,E-1,2025-03-01"
              and "3 fields, the header has 10" in report[bad_start + 3]["reason"]
              and "exceeds what is left to refund" in report[bad_start + 4]["reason"]
              and "not closed" in report[bad_start + 7]["reason"],
              "rejected transactions go to the report with their line, content and reason")
        result = run("import", "transactions", transactions_path, "--source", "erp", "--allow-rejects", *clean,
                     env=clean_env)
        summary = figures(result.stdout)
        check(result.returncode == 0 and summary.get("created") == str(created) and summary.get("rejected") == "6",
              f"import transactions records {created} transactions from a GB18030 file and rejects 6")
        result = run("import", "interactions", interactions_path, "--source", "erp", "--allow-rejects", *clean,
                     env=clean_env)
        summary = figures(result.stdout)
        check(result.returncode == 0 and summary.get("created") == "1502" and summary.get("rejected") == "1",
              "import interactions logs every call and visit, two identical calls as two")
        expected = snapshot(clean, clean_env)
        for kind, path in [("transactions", transactions_path), ("interactions", interactions_path)]:
            result = run("import", kind, path, "--source", "erp", "--allow-rejects", *clean, env=clean_env)
            check(result.returncode == 0 and "imported to the end already" in result.stdout
                  and snapshot(clean, clean_env) == expected, f"importing the same {kind} file again writes nothing")
            copy = path + ".copy.csv"
            shutil.copyfile(path, copy)
            with open(copy, "ab") as file:
                file.write(b"\n")
            result = run("import", kind, copy, "--source", "erp", "--allow-rejects", *clean, env=clean_env)
            check(result.returncode == 0 and figures(result.stdout).get("created") == "0"
                  and snapshot(clean, clean_env) == expected, f"a copy of the {kind} file imports as unchanged rows")

        # Killed mid-way (SIGKILL, no chance to clean up), then run again: the same state as one clean run.
        for kind, path in [("transactions", transactions_path), ("interactions", interactions_path)]:
            killed_run(kind, path, killed, killed_env, [])
            partial = int(query(killed, killed_env, f"SELECT COUNT(*) FROM {kind}")[0][0])
            check(0 < partial < (created if kind == "transactions" else 1502),
                  f"the killed {kind} import stopped part-way ({partial})")
            result = run("import", kind, path, "--source", "erp", "--allow-rejects", *killed, env=killed_env)
            check(result.returncode == 0 and "resuming import" in result.stdout, f"the {kind} import resumes after a kill")
        check(snapshot(killed, killed_env) == expected, "killed and resumed imports end exactly as clean ones")

        for kind in ["transactions", "interactions"]:
            for format in ["csv", "jsonl"]:
                exported = os.path.join(folder, f"exported-{kind}.{format}")
                run("export", kind, "--format", format, "--output", exported, *clean, env=clean_env)
                result = run("import", kind, exported, "--source", "erp", *clean, env=clean_env)
                summary = figures(result.stdout)
                check(result.returncode == 0 and summary.get("created") == "0" and summary.get("rejected") == "0"
                      and int(summary.get("unchanged", "0")) > 1000 and snapshot(clean, clean_env) == expected,
                      f"a database's own {kind} export ({format}) imports back unchanged")

        target, target_env, drop = fresh_target(folder, "activity-bad", env)
        try:
            run("import", "customers", customers_path, "--source", "erp", *target, env=target_env)
            big = os.path.join(folder, "big-field.csv")
            with open(big, "w", encoding="utf-8") as file:
                file.write("订单号,客户编号,日期,金额,备注\nO-1,E-1,2025-01-02,10,ok\n")
                file.write("O-2,E-1,2025-01-02,10," + "长" * ((10 << 20) // 3) + "\nO-3,E-1,2025-01-02,10,ok\n")
            result = run("import", "transactions", big, "--source", "erp", *target, env=target_env)
            summary = figures(result.stdout)
            check(result.returncode == 2 and summary.get("created") == "2" and summary.get("rejected") == "1",
                  "a 10 MB field rejects its row only")
            for name, content, needle, what in [
                ("empty.csv", b"", "empty", "an empty file"),
                ("binary.csv", bytes(range(256)) * 40, "not a text file", "binary garbage"),
                ("header.csv", "订单号,客户编号,日期,金额\n".encode(), None, "a header-only file"),
                ("nocustomer.csv", "订单号,日期,金额\nO-1,2025-01-02,10\n".encode(), "no column names the customer",
                 "a file without a customer column"),
            ]:
                bad = os.path.join(folder, name)
                with open(bad, "wb") as file:
                    file.write(content)
                result = run("import", "transactions", bad, "--source", "erp", *target, env=target_env)
                if needle is None:
                    check(result.returncode == 0 and figures(result.stdout).get("rows read") == "0",
                          f"import transactions reads {what} as no rows")
                else:
                    check(result.returncode != 0 and needle in result.stderr, f"import transactions refuses {what}")
            result = run("import", "interactions", interactions_path, "--timezone", "Mars/Olympus", *target,
                         env=target_env)
            check(result.returncode != 0 and "--timezone" in result.stderr, "import refuses an unknown --timezone")
        finally:
            drop()
    finally:
        drop_clean()
        drop_killed()


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
