"""Who may use the app, and as what: the gate at the top of every script run, and the roles.

On the planner's own machine (served on loopback, no login configured) the OS user works as a planner. Served to
the network, the app requires Streamlit's own login (`st.login`, OpenID Connect, configured in the `[auth]` section
of `.streamlit/secrets.toml`); each signed-in user's role comes from the `[ccplan]` section of the same file:

    [ccplan]
    planners = ["ann@example.com"]          # edit, generate, publish, delete runs
    viewers = ["*"]                          # read the published roster and reports ("*": anyone signed in)

A signed-in user in neither list is turned away. Every change the app makes to the workspace is audited as the user
the gate sets (planning.audit.acting_as) and refused by the store for a viewer; the gate also hides the pages that
edit from viewers.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from planning import audit
from planning.audit import PLANNER, VIEWER, User
from scenarios import InputError, Problem

USER_KEY = "auth_user"
SECRETS_HELP = ("configure a login: an OpenID Connect provider in the [auth] section of .streamlit/secrets.toml "
                "(redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url) and each user's role in "
                "its [ccplan] section (planners = [...], viewers = [...]); see README, 'Sharing the app'")


# --- configuration (also read by `ccplan app` before the server starts) ----------------------------------------

def secrets_files(cwd: str | Path | None = None) -> list[Path]:
    """Where Streamlit reads secrets from (its default `secrets.files`): the user's, then the working folder's."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path(cwd or os.getcwd()) / ".streamlit" / "secrets.toml"]


def read_secrets(cwd: str | Path | None = None) -> dict:
    """The secrets Streamlit will load, merged as Streamlit merges them (a later file's top-level keys win)."""
    merged: dict = {}
    for path in secrets_files(cwd):
        if path.is_file():
            try:
                with path.open("rb") as fh:
                    merged.update(tomllib.load(fh))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise InputError([Problem(str(path), f"cannot be read as TOML ({exc})")],
                                 "unreadable secrets") from None
    return merged


def login_providers(secrets: Mapping) -> list[str]:
    """The OIDC providers a login can use ("default" for a provider given in [auth] itself), [] when the login
    is not configured (no [auth], or it lacks redirect_uri or cookie_secret)."""
    auth = secrets.get("auth") or {}
    if not isinstance(auth, Mapping) or not auth.get("redirect_uri") or not auth.get("cookie_secret"):
        return []
    named = [k for k, v in auth.items() if isinstance(v, Mapping) and v.get("client_id")]
    return (["default"] if auth.get("client_id") else []) + named


def role_lists(secrets: Mapping) -> tuple[list[str], list[str]]:
    """(planners, viewers) from [ccplan]: e-mail addresses, lower-cased; "*" in viewers admits anyone signed in."""
    section = secrets.get("ccplan") or {}
    return ([str(e).strip().lower() for e in section.get("planners", [])],
            [str(e).strip().lower() for e in section.get("viewers", [])])


def role_of(email: str | None, secrets: Mapping) -> str | None:
    """A signed-in user's role: planner when listed as one, else viewer when listed (or viewers has "*"), else
    None (no access)."""
    if not email:
        return None
    planners, viewers = role_lists(secrets)
    email = email.strip().lower()
    if email in planners:
        return PLANNER
    if email in viewers or "*" in viewers:
        return VIEWER
    return None


def sharing_problem(host: str, secrets: Mapping) -> str | None:
    """Why the app may not be served on `host` with these secrets, None when it may: beyond loopback it needs a
    login and at least one user with a role."""
    if is_loopback(host):
        return None
    if not login_providers(secrets):
        return f"serving on {host} shares the app with the network, which needs a login: {SECRETS_HELP}"
    if not any(role_lists(secrets)):
        return (f"serving on {host}: the login is configured but nobody has a role; list users under [ccplan] "
                "planners = [...] and viewers = [...] in .streamlit/secrets.toml")
    return None


def is_loopback(host: str | None) -> bool:
    """Whether `host` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if not host:
        return False
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or bool(getattr(address, "ipv4_mapped", None) and address.ipv4_mapped.is_loopback)


# --- the gate ------------------------------------------------------------------------------------------------

def gate() -> User:
    """Run at the top of every script run: the user who may use the app now, set as the acting user of every
    workspace change; otherwise a login page (or a refusal) is drawn and the run stops."""
    secrets = _secrets()
    if login_providers(secrets):
        user = _signed_in_user(secrets)
    else:
        user = _local_user()
    audit.acting_as(user)
    st.session_state[USER_KEY] = user
    return user


def current_user() -> User | None:
    """The user the gate let in on this session (None before the gate ran)."""
    return st.session_state.get(USER_KEY)


def can_edit() -> bool:
    """Whether the current user may change stored state (a planner)."""
    user = current_user()
    return user is not None and user.can_edit


def require_planner() -> None:
    """Stop a page that edits for anyone but a planner (the navigation already hides it from viewers)."""
    if not can_edit():
        st.error("Only planners may open this page.")
        st.stop()


def pages_for(user: User, planner_pages: list, shared_pages: list) -> list:
    """The pages a user may open: a planner every page, a viewer only the read-only ones."""
    return [*planner_pages, *shared_pages] if user.can_edit else list(shared_pages)


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # no secrets file anywhere
        return {}


def _turn_away(draw) -> None:
    """Draw a refusal or the login page as the run's only page, then stop. Registering it with st.navigation
    matters: a run that never calls st.navigation makes Streamlit serve the files in app/pages/ as pages of their
    own, each runnable without this gate."""
    st.navigation([st.Page(draw, title="ccplan", url_path="signin", default=True)], position="hidden").run()
    st.stop()


def _local_user() -> User:
    """Without a login: the OS user as a planner, but only for a browser on this machine served on loopback."""
    address = st.get_option("server.address")
    remote = st.context.ip_address   # None for a browser on this machine
    if (address and not is_loopback(address)) or (isinstance(remote, str) and not is_loopback(remote)):
        def refuse() -> None:
            st.title("ccplan")
            st.error(f"This app is served to the network without a login, so it shows nothing. To share it, "
                     f"{SECRETS_HELP}; or start it with `ccplan app` (this machine only).")

        _turn_away(refuse)
    return audit.local_user()


def _signed_in_user(secrets: Mapping) -> User:
    if not st.user.get("is_logged_in", False):
        def login_page() -> None:
            st.title("ccplan: sign in")
            st.write("This planner app holds agents' names, their time off and the roster: sign in to continue.")
            for provider in login_providers(secrets):
                label = "Log in" if provider == "default" else f"Log in with {provider}"
                if st.button(label, key=f"login_{provider}", type="primary"):
                    st.login(None if provider == "default" else provider)

        _turn_away(login_page)
    email = st.user.get("email")
    role = role_of(email, secrets)
    if role is None:
        def no_role() -> None:
            st.title("ccplan")
            st.error(f"You are signed in as {email or 'a user without an e-mail address'}, who has no role in "
                     "ccplan. Ask a planner to add you under [ccplan] planners or viewers in "
                     ".streamlit/secrets.toml.")
            if st.button("Log out", key="logout_denied"):
                st.logout()

        _turn_away(no_role)
    user = User(str(email), role)
    with st.sidebar:
        st.caption(f"Signed in as {user.name} ({user.role})")
        if st.button("Log out", key="logout"):
            st.logout()
    return user
