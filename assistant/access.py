"""Who may see which papers: restricted ("exempt", Part 2) documents and the users file.

A document is restricted by its officer, in one of two ways:
  - a sidecar file beside it, `<file name>.access.toml`:  restricted = true,
    groups = ["officers", "cabinet"];
  - front matter at the top of a text or Markdown paper:  ---\\naccess: restricted\\n
    groups: officers, cabinet\\n---
Papers carrying the statutory markings of exempt information ("NOT FOR PUBLICATION",
"by virtue of paragraph 3 of Part 1 of Schedule 12A", a line reading "PART 2") are
restricted on detection, to the default group, until an officer confirms them
(`assistant access FILE --public` or `--groups ...`).

A restricted document is searched only for a viewer in one of its groups; everyone
else (and everyone, when no users are configured) never retrieves its passages, so they
cannot reach an answer, a citation, a suggestion, an example or the library list.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.errors import AssistantError, UnreadableFile
from assistant.types import SourceDocument

SIDECAR_SUFFIX = ".access.toml"
DEFAULT_GROUPS = ("officers",)  # who sees a paper restricted on detection, until confirmed

_MARKINGS = [
    re.compile(r"^\W*not for publication\b", re.I | re.M),
    re.compile(r"by virtue of paragraphs? [\d ,and]+of (?:part 1 of )?schedule 12a", re.I),
    re.compile(r"^\W*(?:part (?:2|ii)|exempt(?: report| information)?|confidential)\W*$", re.I | re.M),
]
_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")  # a user's or a group's
_FRONT_MATTER = re.compile(r"\A\ufeff?---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)


@dataclass(frozen=True)
class Access:
    restricted: bool
    groups: tuple[str, ...] = ()
    note: str | None = None  # how it came to be restricted, for the library list


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def declared(path: Path) -> Access | None:
    """What the officer declared for this file (sidecar first, then front matter)."""
    sidecar = sidecar_of(path)
    if sidecar.is_file():
        try:
            data = tomllib.loads(sidecar.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            # skipped, not indexed as public: the officer meant to say something about it
            raise UnreadableFile(path.name, f"its access file {sidecar.name} is not valid TOML ({exc})") from None
        return _access(bool(data.get("restricted", False)), data.get("groups", []), f"declared in {sidecar.name}")
    if path.suffix.lower() in (".txt", ".md"):
        head = path.read_bytes()[:4096].decode("utf-8", errors="replace")
        found = _FRONT_MATTER.match(head)
        if found:
            fields = dict(_field(line) for line in found.group(1).splitlines() if ":" in line)
            if fields.get("access", "").lower() in ("restricted", "exempt", "private"):
                return _access(True, split_groups(fields.get("groups", "")), "declared in the paper's front matter")
            if fields.get("access", "").lower() == "public":
                return Access(False, note="declared public in the paper's front matter")
    return None


def declare(path: Path, restricted: bool, groups: list[str]) -> tuple[str, ...]:
    """Write (or, for a public paper, remove) the officer's sidecar beside a file the
    library keeps, so the decision holds through every later ingest of it. Returns the
    groups that may see it (none: public)."""
    sidecar = sidecar_of(path)
    if not restricted:
        sidecar.unlink(missing_ok=True)
        return ()
    names = checked_groups(groups) or DEFAULT_GROUPS
    listed = ", ".join(f'"{g}"' for g in names)
    sidecar.write_text(f"restricted = true\ngroups = [{listed}]\n", "utf-8")
    return names


def checked_groups(groups: list[str]) -> tuple[str, ...]:
    """The groups, sorted, once each; an odd name is refused (they are written into TOML)."""
    names = tuple(sorted(set(groups)))
    odd = [g for g in names if not _NAME.fullmatch(g)]
    if odd:
        raise AssistantError(f"group names are letters, digits, '.', '_' or '-' (not {', '.join(odd)})")
    return names


def strip_front_matter(text: str) -> str:
    return _FRONT_MATTER.sub("", text, count=1)


def detected(text: str) -> Access | None:
    """Restricted on the strength of an exempt-information marking in the paper."""
    for marking in _MARKINGS:
        found = marking.search(text)
        if found:
            return Access(True, DEFAULT_GROUPS, f"marked '{found.group(0).strip()[:60]}' (detected: an officer should confirm)")
    return None


def visible(document: SourceDocument, groups: tuple[str, ...]) -> bool:
    return not document.restricted or bool(set(document.groups) & set(groups))


def with_access(path: Path, parsed: list) -> list:
    """The parsed documents of a file, each marked with who may see it: the officer's
    declaration for the whole file, else what each paper's own markings say."""
    chosen = declared(path)
    marked = []
    for item in parsed:
        access = chosen or detected("\n".join(p.text for p in item.passages[:40])) or Access(False)
        document = replace(item.document, restricted=access.restricted, groups=access.groups, access_note=access.note)
        marked.append(replace(item, document=document))
    return marked


def split_groups(text: str) -> list[str]:
    """'officers, cabinet' -> ['officers', 'cabinet']"""
    return [g.strip() for g in text.split(",") if g.strip()]


def _access(restricted: bool, groups, note: str) -> Access:
    names = tuple(sorted({str(g).strip() for g in groups if str(g).strip()}))
    return Access(restricted, names or (DEFAULT_GROUPS if restricted else ()), note)


def _field(line: str) -> tuple[str, str]:
    key, _, value = line.partition(":")
    return key.strip().lower(), value.strip().strip("[]")


# --- users ------------------------------------------------------------------------------

@dataclass(frozen=True)
class User:
    name: str
    groups: tuple[str, ...]
    password_hash: str


def load_users(path: Path) -> dict[str, User]:
    """The users file (`ASSISTANT_USERS`), TOML:  [users.alice]  password = "scrypt$..."
    groups = ["officers"]. Passwords are stored only as salted scrypt hashes."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AssistantError(f"cannot read the users file {path} ({exc})") from None
    return {
        name: User(name, tuple(entry.get("groups", [])), entry.get("password", ""))
        for name, entry in data.get("users", {}).items()
    }


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.password_hash.startswith("scrypt$"):
        hash_password(password)  # same work either way: timing says nothing about who exists
        return False
    _, salt, _ = user.password_hash.split("$")
    return hmac.compare_digest(hash_password(password, base64.b64decode(salt)), user.password_hash)


def add_user(path: Path, name: str, password: str, groups: list[str]) -> None:
    """Add (or replace) a user in the users file, keeping the others."""
    if not _NAME.fullmatch(name):  # names go into TOML keys
        raise AssistantError("user names are letters, digits, '.', '_' or '-'")
    users = load_users(path) if Path(path).exists() else {}
    users[name] = User(name, tuple(groups), hash_password(password))
    lines = []
    for user in users.values():
        listed = ", ".join(f'"{g}"' for g in user.groups)
        lines += [f"[users.{user.name}]", f'password = "{user.password_hash}"', f"groups = [{listed}]", ""]
    Path(path).write_text("\n".join(lines), "utf-8")
    os.chmod(path, 0o600)
