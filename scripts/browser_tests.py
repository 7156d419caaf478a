#!/usr/bin/env python3
"""Browser tests of the web UI: Playwright (PyPI) driving Debian's Chromium against a real `rapport serve`.

Sets up a SQLite database in a temporary folder with an admin, two agents of different teams and customers owned
by each (one named `<script>alert(1)</script>`), starts the server, and as an agent: is sent to sign in, signs in,
sees their customers and not the other agent's, finds one by phone, gets a rule error naming its column, switches
to English; the XSS probe stays text and no dialog ever opens; the skip link is the first Tab stop. Saves screenshots
of each page in both languages, at 1280×800 and 390 px wide, under --shots (default ci-artifacts/screenshots).

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
        rapport(binary, database, "migrate")
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
            api(base, token, "POST", "/api/v1/customers", {"name": "赵不可见", "owner_id": zhao})
            browse(base, args.chromium, shots)
        finally:
            server.terminate()
            server.wait(timeout=20)
    if FAILURES:
        print(f"\n{len(FAILURES)} browser check(s) failed")
        return 1
    print("\nall browser checks passed")
    return 0


def browse(base, chromium, shots):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        for width, height, label in [(1280, 800, "desktop"), (390, 844, "phone")]:
            context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
            page = context.new_page()
            dialogs = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(base + "/customers")
            check(page.url.endswith("/login"), f"{label}: a visitor is sent to the sign-in page")
            check(page.locator("h1").inner_text() == "登录", f"{label}: the sign-in page speaks Chinese")
            page.keyboard.press("Tab")
            check(page.evaluate("document.activeElement.className") == "skip",
                  f"{label}: the first Tab stop is the skip link")
            page.screenshot(path=str(shots / f"login-zh-{label}.png"), full_page=True)
            page.fill("#email", "li@example.com")
            page.fill("#password", "wrong password")
            page.click("button[type=submit]")
            check(page.locator(".error").inner_text() == "电子邮箱或密码不正确。", f"{label}: a wrong password is refused")
            page.fill("#email", "li@example.com")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            check(page.url.endswith("/customers"), f"{label}: signing in opens the customer list")
            names = page.locator("table.customers tbody tr td:nth-child(2)").all_inner_texts()
            check("<script>alert(1)</script>" in names, f"{label}: the XSS probe shows as text")
            check("王小明" in names and "赵不可见" not in names,
                  f"{label}: the agent sees their customers and not the other team's")
            page.screenshot(path=str(shots / f"customers-zh-{label}.png"), full_page=True)
            page.fill("#q", "13800138")
            page.click(".filters button[type=submit]")
            rows = page.locator("table.customers tbody tr td:nth-child(2)").all_inner_texts()
            check(rows == ["王小明"], f"{label}: a phone search finds the customer (got {rows})")
            check("13800138" not in page.url, f"{label}: the search is not in the address")
            page.fill("#q", "")
            page.fill("#filter", "stage = ")
            page.click(".filters button[type=submit]")
            check("筛选规则有误" in page.locator(".error").inner_text(), f"{label}: a bad rule is explained")
            page.screenshot(path=str(shots / f"customers-filter-error-zh-{label}.png"), full_page=True)
            page.goto(base + "/customers")
            page.select_option("#language", "en")
            page.click("form[action='/language'] button")
            check(page.locator("h1").inner_text() == "Customers", f"{label}: switching to English")
            page.screenshot(path=str(shots / f"customers-en-{label}.png"), full_page=True)
            # The choice stays with the user: back to Chinese, so the next run starts as this one did.
            page.select_option("#language", "zh-CN")
            page.click("form[action='/language'] button")
            check(page.locator("h1").inner_text() == "客户", f"{label}: switching back to Chinese")
            page.click("form[action='/logout'] button")
            check(page.url.endswith("/login"), f"{label}: signing out")
            english = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
            english_page = english.new_page()
            english_page.goto(base + "/login")
            check(english_page.locator("h1").inner_text() == "Sign in", f"{label}: an English browser gets English")
            english_page.screenshot(path=str(shots / f"login-en-{label}.png"), full_page=True)
            english.close()
            check(not dialogs, f"{label}: no script ran from customer data (dialogs: {dialogs})")
            context.close()
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
