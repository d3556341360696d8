"""Sign-in limits: a sixth wrong password within a minute is refused unchecked, per
account and per address; a session ends after its time. The rules on a clock we move,
then the served app over real HTTP (addresses as a reverse proxy forwards them)."""

from __future__ import annotations

import shutil
import time

import httpx
import pytest
from files import free_port

from assistant.web.signin import Attempts, Sessions


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_close_an_account_until_the_minute_is_up():
    clock = Clock()
    attempts = Attempts(limit=5, window=60, clock=clock)
    for _ in range(5):
        assert attempts.wait(["account:alice"]) == 0
        attempts.failed(["account:alice", "address:10.0.0.1"])
        clock.now += 1
    assert attempts.wait(["account:alice", "address:10.0.0.9"]) == pytest.approx(55)
    assert attempts.wait(["account:bob", "address:10.0.0.1"]) == pytest.approx(55)  # the guessing address too
    assert attempts.wait(["account:bob", "address:10.0.0.9"]) == 0
    clock.now += 56
    assert attempts.wait(["account:alice", "address:10.0.0.1"]) == 0


def test_signing_in_clears_only_the_accounts_own_failures():
    attempts = Attempts(limit=2, window=60, clock=Clock())
    attempts.failed(["account:alice", "address:10.0.0.1"])
    attempts.failed(["account:bob", "address:10.0.0.1"])
    attempts.succeeded("account:alice")
    assert attempts.wait(["account:alice"]) == 0
    assert attempts.wait(["address:10.0.0.1"]) > 0  # one's own sign-in does not clear an address's guesses


def test_a_session_ends_after_its_lifetime_and_an_unknown_token_is_none():
    clock = Clock()
    sessions = Sessions(lifetime=3600, clock=clock)
    sessions.started("t1")
    clock.now += 3599
    assert sessions.live("t1") and not sessions.live("never-issued")
    clock.now += 1
    assert not sessions.live("t1")


# --- the served app -----------------------------------------------------------------------

LIFETIME_S = 3


@pytest.fixture(scope="module")
def guarded_app(corpus_assistant, embedder, tmp_path_factory):
    """The app with a users file and 3-second sessions; counts the passwords it checks."""
    import assistant.web.app as web
    from assistant.access import add_user
    from assistant.pipeline import Assistant

    own = tmp_path_factory.mktemp("guarded-index")
    shutil.copytree(corpus_assistant.settings.index_dir, own, dirs_exist_ok=True)
    users = own / "users.toml"
    add_user(users, "alice", "alice-password", ["cabinet"])
    add_user(users, "bob", "bob-password", [])
    settings = corpus_assistant.settings.model_copy(
        update={"index_dir": own, "users": users, "session_hours": LIFETIME_S / 3600})
    checked = []

    def counted(user, password):
        checked.append(user.name if user else None)
        return real_check(user, password)

    real_check = web.check_password
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(web, "check_password", counted)
        port = free_port()
        app = web.serve(Assistant(settings, embedder=embedder), "127.0.0.1", port, block=False)
        yield f"http://127.0.0.1:{port}/", checked
        app.close()


def _sign_in(url: str, name: str, password: str, address: str) -> httpx.Response:
    return httpx.post(url + "login", data={"username": name, "password": password},
                      headers={"X-Forwarded-For": address}, timeout=30)


def test_the_sixth_wrong_password_within_a_minute_is_refused_without_checking_it(guarded_app):
    url, checked = guarded_app
    for _ in range(5):
        assert _sign_in(url, "alice", "a-guess", "10.1.0.1").status_code == 400
    checks = len(checked)

    refused = _sign_in(url, "alice", "alice-password", "10.1.0.2")  # her password, from elsewhere
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.json()["detail"] and int(refused.headers["retry-after"]) > 0
    assert _sign_in(url, "bob", "bob-password", "10.1.0.1").status_code == 429  # the guessing address
    assert len(checked) == checks  # neither password was checked
    assert _sign_in(url, "bob", "bob-password", "10.1.0.3").status_code == 200  # everyone else signs in


def test_a_session_ends_and_the_member_must_sign_in_again(guarded_app):
    url, _ = guarded_app
    signed_in = _sign_in(url, "bob", "bob-password", "10.2.0.1")
    assert signed_in.status_code == 200
    with httpx.Client(cookies=signed_in.cookies, headers={"X-Forwarded-For": "10.2.0.1"}, timeout=30) as member:
        assert member.get(url + "config").json().get("username") == "bob"
        time.sleep(LIFETIME_S + 0.5)
        after = member.get(url + "config")
    stranger = httpx.get(url + "config", timeout=30)  # what a visitor who never signed in is told
    assert stranger.status_code == 401
    assert (after.status_code, after.json()) == (stranger.status_code, stranger.json())


@pytest.mark.browser
def test_the_sign_in_page_says_why_a_sixth_attempt_is_refused(browser, guarded_app):
    url, _ = guarded_app
    context = browser.new_context(extra_http_headers={"X-Forwarded-For": "10.3.0.1"})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(url)
    for attempt in range(6):
        page.get_by_label("username").fill("carol")
        page.get_by_label("password").fill(f"guess-{attempt}")
        with page.expect_response(lambda r: r.url.rstrip("/").endswith("/login")) as answered:
            page.get_by_role("button", name="Login").click()
        assert answered.value.status == (400 if attempt < 5 else 429)
    note = page.get_by_role("alert").filter(has_text="Too many failed sign-ins")
    note.wait_for()
    assert "Try again in" in note.inner_text()
    assert page.locator("#question").count() == 0
    context.close()
