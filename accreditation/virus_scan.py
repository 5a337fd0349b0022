"""Virus scanning through ClamAV's daemon (clamd), over its socket.

The portal speaks clamd's INSTREAM command itself: it is a dozen lines of a stable, documented
protocol (send "zINSTREAM\\0", then chunks each prefixed by its length as 4 bytes big-endian, then
a zero length; read one reply ending in \\0: "stream: OK" or "stream: <signature> FOUND"). The
Python clients on PyPI (clamd, pyclamd) have had no release for years; this avoids depending on
one for so little code.

CLAMAV_SOCKET is a path to clamd's local socket ("/run/clamav/clamd.ctl" or "unix:///...") or
"tcp://host:3310". Unset, nothing is scanned: allowed only with DEBUG on (the settings refuse to
start without it in production), and each file is then marked "not scanned" loudly.
"""

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached or did not give a verdict: the file must wait, never be released."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    signature: str = ""


def is_configured() -> bool:
    return bool(settings.CLAMAV_SOCKET)


def _connect() -> socket.socket:
    address = settings.CLAMAV_SOCKET
    timeout = settings.CLAMAV_TIMEOUT_SECONDS
    try:
        if address.startswith("tcp://"):
            host, _, port = address.removeprefix("tcp://").rpartition(":")
            return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(address.removeprefix("unix://"))
        return sock
    except (OSError, ValueError) as error:
        raise ScannerUnavailable(f"clamd at {address} cannot be reached: {error}") from error


def _reply(sock) -> str:
    data = b""
    while not data.endswith(b"\0"):
        part = sock.recv(4096)
        if not part:
            break
        data += part
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def ping() -> bool:
    """True when clamd answers PONG."""
    try:
        with _connect() as sock:
            sock.sendall(b"zPING\0")
            return _reply(sock) == "PONG"
    except (OSError, ScannerUnavailable):
        return False


def scan(stream) -> Verdict:
    """Send the file-like `stream` to clamd and return its verdict; ScannerUnavailable otherwise."""
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            reply = _reply(sock)
    except OSError as error:
        raise ScannerUnavailable(f"clamd stopped answering: {error}") from error
    if reply.endswith(" FOUND"):
        return Verdict(infected=True, signature=reply.removeprefix("stream:").removesuffix("FOUND").strip())
    if reply == "stream: OK":
        return Verdict(infected=False)
    # "INSTREAM size limit exceeded", "... ERROR": no verdict, so the file is not released.
    raise ScannerUnavailable(f"clamd gave no verdict: {reply or 'no reply'}")
