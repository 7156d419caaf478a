#!/usr/bin/env python3
"""Browser tests of the web UI: Playwright (PyPI) driving Debian's Chromium against a real `rapport serve`.

Sets up a SQLite database in a temporary folder with a small demo business (300 customers, two years of history,
scored), an admin, two agents of different teams and customers owned by each (one named
`<script>alert(1)</script>`), starts the server, and checks what people do:

- as an agent: is sent to sign in, signs in to the dashboard and its charts, sees their customers and not the other
  agent's, finds one by phone, opens the 360 page, changes the phone number and sees the timeline gain the change,
  gets a rule error naming its column, cannot open the other agent's customer, switches to English and back;
- as an admin: opens a demo customer, changes its phone, looks at it as of a past day (the old number), builds a crowd
  whose member count updates while the rule is typed, saves it and sees its count, scans for duplicates and sees a
  pair side by side with its reasons, and visits every page.

The XSS probe stays text and no dialog ever opens; the skip link is the first Tab stop. Saves a screenshot of every
page in both languages, at 1280×800 and 390 px wide, under --shots (default ci-artifacts/screenshots).

Usage: scripts/browser_tests.py [path/to/rapport] [--shots DIR]
Needs: `pip install playwright` and `apt-get install chromium` (no `playwright install`: it cannot download here).
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        FAILURES.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rapport(binary, database, *args, stdin=None):
    result = subprocess.run([binary, *args, "--database", database, "--log-level", "warning"], capture_output=True,
                            text=True, input=stdin, timeout=120)
    if result.returncode != 0:
        sys.exit(f"rapport {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def api(base, token, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=".build/debug/rapport")
    parser.add_argument("--shots", default=str(ROOT / "ci-artifacts" / "screenshots"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    shots = Path(args.shots)
    shots.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as folder:
        database = os.path.join(folder, "rapport.sqlite")
        rapport(binary, database, "demo", "--customers", "300", "--seed", "7")
        users = {}
        for email, name, role, team in [("admin@example.com", "管理员", "admin", None),
                                        ("li@example.com", "李经理", "agent", "east"),
                                        ("zhao@example.com", "赵经理", "agent", "west")]:
            rapport(binary, database, "user", "create", "--email", email, "--name", name, "--role", role,
                    *(["--team", team] if team else []), "--password-stdin", stdin=PASSWORD + "\n")
        token = rapport(binary, database, "token", "create", "--email", "admin@example.com", "--name", "browser")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, RAPPORT_DAILY_RECOMPUTE="off")
        env.pop("DATABASE_URL", None)
        server = subprocess.Popen([binary, "serve", "--database", database, "--port", str(port), "--log-level",
                                   "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/readyz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            for user in api(base, token, "GET", "/api/v1/users?limit=10")["items"]:
                users[user["email"]] = user["id"]
            li, zhao = users["li@example.com"], users["zhao@example.com"]
            api(base, token, "POST", "/api/v1/customers", {"name": "<script>alert(1)</script>", "owner_id": li})
            api(base, token, "POST", "/api/v1/customers", {
                "name": "王小明", "owner_id": li, "phones": [{"number": "13800138000"}],
                "emails": [{"address": "xiaoming@example.com"}], "addresses": [{"city": "上海市"}]})
            # A second record of 王小明 for the duplicate queue.
            api(base, token, "POST", "/api/v1/customers", {
                "name": "王晓明", "emails": [{"address": "xiaoming@example.com"}], "addresses": [{"city": "上海市"}]})
            hidden = api(base, token, "POST", "/api/v1/customers", {"name": "赵不可见", "owner_id": zhao})["id"]
            # A demo customer with a phone, created well before today: its past differs from its present.
            old = urllib.parse.quote("created_at < 2025-12-01")
            demo = next(c for c in api(base, token, "GET", f"/api/v1/customers?limit=100&filter={old}")["items"]
                        if c["phones"])
            browse(base, args.chromium, shots, hidden=hidden, demo=demo)
        finally:
            server.terminate()
            server.wait(timeout=20)
    if FAILURES:
        print(f"\n{len(FAILURES)} browser check(s) failed")
        return 1
    print("\nall browser checks passed")
    return 0


def sign_in(page, base, email, password=PASSWORD):
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")


def shoot(page, shots, name):
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def agent_checks(page, base, shots, label, hidden):
    """An agent's day: dashboard, list, search, the 360 page, a phone change, a refused customer."""
    page.goto(base + "/customers")
    check(page.url.endswith("/login"), f"{label}: a visitor is sent to the sign-in page")
    check(page.locator("h1").inner_text() == "登录", f"{label}: the sign-in page speaks Chinese")
    page.keyboard.press("Tab")
    check(page.evaluate("document.activeElement.className") == "skip", f"{label}: the first Tab stop is the skip link")
    shoot(page, shots, f"login-zh-{label}")
    sign_in(page, base, "li@example.com", "wrong password")
    check(page.locator(".error").inner_text() == "电子邮箱或密码不正确。", f"{label}: a wrong password is refused")
    sign_in(page, base, "li@example.com")
    check(page.url.endswith("/dashboard"), f"{label}: signing in opens the dashboard")
    check(page.locator("#trend polyline").count() == 5, f"{label}: the dashboard draws the stage trend")
    check(page.locator("#stages tbody tr").count() == 5, f"{label}: the dashboard counts the stages")
    shoot(page, shots, f"dashboard-agent-zh-{label}")

    page.click("nav.sections a[href='/customers']")
    names = page.locator("table.customers tbody tr td:nth-child(2)").all_inner_texts()
    check("<script>alert(1)</script>" in names, f"{label}: the XSS probe shows as text")
    check("王小明" in names and "赵不可见" not in names,
          f"{label}: the agent sees their customers and not the other team's")
    shoot(page, shots, f"customers-zh-{label}")
    # The desktop pass changes the number the phone pass then searches for.
    number = "13800138" if label == "desktop" else "13900139"
    page.fill("#q", number)
    page.click(".filters button[type=submit]:not([formaction])")
    rows = page.locator("table.customers tbody tr td:nth-child(2)").all_inner_texts()
    check(rows == ["王小明"], f"{label}: a phone search finds the customer (got {rows})")
    check(number not in page.url, f"{label}: the search is not in the address")
    page.fill("#q", "")
    page.fill("#filter", "stage = ")
    page.click(".filters button[type=submit]:not([formaction])")
    said = page.locator("p.error").inner_text()
    check("筛选规则有误：第 8 列：'=' 后面缺少取值" in said, f"{label}: a bad rule is explained in Chinese ({said})")
    shoot(page, shots, f"customers-filter-error-zh-{label}")

    page.goto(base + "/customers")
    page.click("table.customers a:text-is('王小明')")
    check(page.locator("h1").inner_text().startswith("王小明"), f"{label}: the 360 page opens")
    shoot(page, shots, f"customer-zh-{label}")
    page.fill("#edit-phones", "13900139000" if label == "desktop" else "13700137000")
    page.click("form.edit button[type=submit]")
    new = "+8613900139000" if label == "desktop" else "+8613700137000"
    timeline = page.locator("#timeline").inner_text()
    check("电话号码变更" in timeline and new in timeline, f"{label}: the timeline gains the phone change")
    check(new in page.locator("#profile").inner_text(), f"{label}: the profile shows the new phone")
    page.fill("#edit-emails", "not an address")
    page.click("form.edit button[type=submit]")
    check("这不是有效的电子邮箱地址" in page.locator("#edit-emails-error").inner_text(),
          f"{label}: an invalid e-mail is refused next to its input")
    shoot(page, shots, f"customer-edit-error-zh-{label}")

    page.goto(base + f"/customers/{hidden}")
    check("页面不存在" in page.locator("main").inner_text() and "赵不可见" not in page.content(),
          f"{label}: the agent cannot open another agent's customer")

    page.goto(base + "/customers")
    page.select_option("#language", "en")
    page.click("form[action='/language'] button")
    check(page.locator("h1").inner_text() == "Customers", f"{label}: switching to English")
    shoot(page, shots, f"customers-en-{label}")
    page.goto(base + "/dashboard")
    shoot(page, shots, f"dashboard-agent-en-{label}")
    # The choice stays with the user: back to Chinese, so the next run starts as this one did.
    page.select_option("#language", "zh-CN")
    page.click("form[action='/language'] button")
    check(page.locator("h1").inner_text() == "仪表盘", f"{label}: switching back to Chinese")
    page.click("form[action='/logout'] button")
    check(page.url.endswith("/login"), f"{label}: signing out")


def admin_checks(page, base, shots, label, demo):
    """An admin: a demo customer's past, a crowd built with its live count, every page in both languages."""
    sign_in(page, base, "admin@example.com")
    page.goto(base + f"/customers/{demo['id']}")
    old = demo["phones"][0]["number"]
    new = "+8613600136" + ("001" if label == "desktop" else "002")
    lines = page.locator("#edit-phones").input_value().split("\n")
    page.fill("#edit-phones", "\n".join([new] + lines[1:]))
    page.click("form.edit button[type=submit]")
    check(new in page.locator("#profile").inner_text(), f"{label}: the admin changed a demo customer's phone")
    page.fill("#as_of", "2026-01-01")
    page.click("form.as-of button[type=submit]")
    profile = page.locator("#profile").inner_text()
    check("2026-01-01" in page.url and old in profile and new not in profile,
          f"{label}: as of a past day the customer has its old phone")
    check(page.locator("p.banner").count() == 1, f"{label}: the past view says which day it shows")
    shoot(page, shots, f"customer-as-of-zh-{label}")

    page.goto(base + "/crowds/new")
    page.fill("#crowd-name", f"上海活跃客户 {label}")
    page.fill("#crowd-rule", "stage in [active, new, silent]")
    # Waits by selector: the page's CSP forbids the eval a waited-for function would need.
    page.locator("#crowd-rule-count:has-text('符合该规则的客户')").wait_for()
    live = page.locator("#crowd-rule-count").inner_text()
    check("符合该规则的客户" in live, f"{label}: the builder counts members while the rule is typed ({live})")
    page.fill("#crowd-rule", "stage in [active, new, silent")
    page.locator("#crowd-rule-count.error").wait_for()
    check(True, f"{label}: the builder flags a broken rule while it is typed")
    page.fill("#crowd-rule", "stage in [active, new, silent]")
    page.locator("#crowd-rule-count:not(.error):has-text('符合该规则的客户')").wait_for()
    shoot(page, shots, f"crowd-builder-zh-{label}")
    page.click("form.crowd-form button[type=submit]:not([name])")
    count = page.locator(".figure-line strong").inner_text()
    check(page.url.count("/crowds/") == 1 and count.replace(",", "").isdigit() and int(count.replace(",", "")) > 0,
          f"{label}: the saved crowd shows its member count ({count})")
    check(count.replace(",", "") in live.replace(",", ""), f"{label}: the saved count is the one previewed")
    shoot(page, shots, f"crowd-zh-{label}")

    page.goto(base + "/duplicates")
    page.click("form[action='/duplicates/scan'] button")
    queue = page.locator("main").inner_text()
    check("王小明" in queue and "王晓明" in queue and "邮箱相同 xiaoming@example.com" in queue,
          f"{label}: a scan puts the two 王小明 records side by side, with the reason in Chinese")
    check(page.locator("form[action$='/merge'] button").count() >= 1, f"{label}: the pair can be merged")

    pages = ["/dashboard", "/customers", "/crowds", "/imports", "/duplicates", "/settings", "/audit",
             f"/customers/{demo['id']}"]
    for language in ["zh", "en"]:
        if language == "en":
            page.select_option("#language", "en")
            page.click("form[action='/language'] button")
        for path in pages:
            page.goto(base + path)
            check(page.locator("main h1").count() == 1 and "出错了" not in page.title()
                  and "Something went wrong" not in page.title(), f"{label}: {path} opens in {language}")
            width = page.evaluate("document.documentElement.scrollWidth")
            check(width <= page.viewport_size["width"],
                  f"{label}: {path} in {language} fits the screen's width ({width} px)")
            name = "customer-admin" if path.startswith("/customers/") else path.strip("/")
            shoot(page, shots, f"{name}-{language}-{label}")
    page.select_option("#language", "zh-CN")
    page.click("form[action='/language'] button")
    page.click("form[action='/logout'] button")


def browse(base, chromium, shots, hidden, demo):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        for width, height, label in [(1280, 800, "desktop"), (390, 844, "phone")]:
            context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
            page = context.new_page()
            dialogs = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            agent_checks(page, base, shots, label, hidden)
            admin_checks(page, base, shots, label, demo)
            english = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
            english_page = english.new_page()
            english_page.goto(base + "/login")
            check(english_page.locator("h1").inner_text() == "Sign in", f"{label}: an English browser gets English")
            shoot(english_page, shots, f"login-en-{label}")
            english.close()
            check(not dialogs, f"{label}: no script ran from customer data (dialogs: {dialogs})")
            context.close()
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
