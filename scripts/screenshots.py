"""Take screenshots of the main pages in each language, for people to look at.

Usage: .venv/bin/python scripts/screenshots.py BASE_URL OUTPUT_DIR [LANG ...]
Needs the playwright package and Debian's Chromium (/usr/bin/chromium); it never downloads a
browser. The server must hold the demo data (focalpoints demo-data).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PAGES = {
    "coordinator.ke@demo.focalpoints.example": [
        "/countries/KE",
        "/users",
        "/users/invite",
        "/account",
    ],
    "admin@demo.focalpoints.example": [
        "/countries",
        "/admin/conventions",
        "/admin/countries/FR/memberships",
        "/admin/roles/1/edit",
    ],
}


def main(base_url: str, output: Path, languages: list[str]) -> None:
    output.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for language in languages:
            context = browser.new_context(
                base_url=base_url,
                locale=language,
                viewport={"width": 1280, "height": 900},
                extra_http_headers={"Accept-Language": language},
            )
            page = context.new_page()
            page.goto("/login")
            page.screenshot(path=output / f"{language}-login.png", full_page=True)
            for email, urls in PAGES.items():
                page.goto("/login")
                page.fill("#email", email)
                page.fill("#password", "focalpoints-demo")
                page.click("button[type=submit].btn-success")
                page.locator(f"button[name=language][value={language}]").click()
                for url in urls:
                    page.goto(url)
                    name = url.strip("/").replace("/", "-") or "home"
                    page.screenshot(path=output / f"{language}-{name}.png", full_page=False)
                page.locator("form[action='/logout'] button").click()
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3:] or ["en", "fr", "es"])
