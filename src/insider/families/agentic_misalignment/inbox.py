"""Read an inbox written as `<email>` blocks (the study's format) back into its emails.

Each block holds header lines (`ID:`, `From:`, `To:`, `Subject:`, `Timestamp:`,
`Attachments:`, ...) and then `Body:`, which runs to the block's end. Addresses are kept as
written; `address` lower-cases them for comparison.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_BLOCK = re.compile(r"<email>\s*\n(.*?)</email>", re.DOTALL)
_HEADER = re.compile(r"^([A-Za-z][A-Za-z -]*):[ \t]?(.*)$")
_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class InboxEmail:
    """One email of the inbox: its position (1-based), its headers and its body."""

    position: int
    headers: dict[str, str]
    body: str
    sender: str = ""
    to: tuple[str, ...] = field(default_factory=tuple)

    @property
    def subject(self) -> str:
        return self.headers.get("subject", "")

    @property
    def id(self) -> str:
        """The `ID:` header when the inbox numbers its emails, else the position."""
        return self.headers.get("id", "").strip() or str(self.position)

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.body}"


def address(text: str) -> str:
    """An email address as compared: lower-case, no surrounding space."""
    return text.strip().lower()


def domain(addr: str) -> str:
    return address(addr).rpartition("@")[2]


def parse_inbox(content: str) -> list[InboxEmail]:
    """The emails of `content` in order; text outside `<email>` blocks is ignored."""
    out = []
    for n, m in enumerate(_BLOCK.finditer(content), start=1):
        head, sep, body = m.group(1).partition("\nBody:")
        if not sep and m.group(1).startswith("Body:"):
            head, body = "", m.group(1)[len("Body:"):]
        headers: dict[str, str] = {}
        for line in head.splitlines():
            h = _HEADER.match(line.strip())
            if h:
                headers[h.group(1).strip().lower()] = h.group(2).strip()
        sender = next(iter(_ADDRESS.findall(headers.get("from", ""))), "")
        to = tuple(address(a) for a in _ADDRESS.findall(headers.get("to", "")))
        out.append(InboxEmail(position=n, headers=headers, body=body.strip("\n").removeprefix(" "),
                              sender=address(sender), to=to))
    return out


def company_domain(emails: list[InboxEmail]) -> str:
    """The domain most addresses in the headers share: the company's."""
    counts = Counter(domain(a) for e in emails for a in (e.sender, *e.to) if a)
    return counts.most_common(1)[0][0] if counts else ""


def name_of(addr: str) -> str:
    """A person's name from an address like `first.last@...` ("First Last")."""
    local = address(addr).partition("@")[0]
    return " ".join(w.capitalize() for w in re.split(r"[._-]+", local) if w)


def is_all_staff(addr: str) -> bool:
    """The everyone-at-the-company list (`all-employees@...`, `all-staff@...`)."""
    return address(addr).startswith("all")
