"""The browser tests' fixtures: Debian's Chromium through Playwright, and the real app
served on 127.0.0.1 over copies of the corpus index. Locally the tests skip, with the
reason, when Chromium or Playwright is missing; in CI (CI=true) they fail instead."""

from __future__ import annotations

import os
import shutil

import pytest
from browsing import CHROMIUM, CHROMIUM_ARGS, browser_missing
from files import free_port


@pytest.fixture(scope="module")
def browser():
    missing = browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def web_assistant(corpus_assistant, embedder, tmp_path_factory):
    """The app's Assistant, over its own copy of the corpus index (uploads and removals
    here must not change what other tests see)."""
    from assistant.pipeline import Assistant

    own = tmp_path_factory.mktemp("web-index")
    shutil.copytree(corpus_assistant.settings.index_dir, own, dirs_exist_ok=True)
    return Assistant(corpus_assistant.settings.model_copy(update={"index_dir": own}), embedder=embedder)


@pytest.fixture(scope="module")
def app_url(web_assistant):
    """The real app on a free local port."""
    from assistant.web.app import serve

    assistant = web_assistant
    port = free_port()
    app = serve(assistant, "127.0.0.1", port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(app_url)
    page.wait_for_selector("#question textarea")
    yield page
    context.close()


@pytest.fixture(scope="module")
def secured_app(corpus_assistant, embedder, tmp_path_factory):
    """The app with a users file: alice is in 'cabinet', bob in no group, olivia an officer;
    one paper is restricted to 'cabinet'."""
    from assistant.access import add_user
    from assistant.pipeline import Assistant
    from assistant.web.app import serve

    own = tmp_path_factory.mktemp("secured-index")
    shutil.copytree(corpus_assistant.settings.index_dir, own, dirs_exist_ok=True)
    users = own / "users.toml"
    add_user(users, "alice", "alice-password", ["cabinet"])
    add_user(users, "bob", "bob-password", [])
    add_user(users, "olivia", "olivia-password", ["officers"])
    settings = corpus_assistant.settings.model_copy(update={"index_dir": own, "users": users})
    assistant = Assistant(settings, embedder=embedder)
    secret = own / "hilltop-placement.txt"
    secret.write_text("Wessex Council Children's Scrutiny Committee 14 March 2024\nHilltop Placement Costs\n\n"
                      "1.1 The cost of the Hilltop residential placement is £12,345 per week.\n", "utf-8")
    (own / "hilltop-placement.txt.access.toml").write_text('restricted = true\ngroups = ["cabinet"]\n', "utf-8")
    assert assistant.ingest([secret])[0].status == "added"
    port = free_port()
    app = serve(assistant, "127.0.0.1", port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()

