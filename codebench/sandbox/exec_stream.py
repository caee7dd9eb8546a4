"""Reading a command's output from the engine under a total deadline.

The docker SDK reads an exec's output with the socket timeout switched off and a `poll()` with
no timeout: an engine that stops answering mid-command hangs the caller for good, past every
watchdog. Here the same multiplexed stream is read from the raw socket, each read bounded by
what is left of one deadline for the whole command.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import time
from typing import Any

from codebench.errors import SandboxError

HEADER_SIZE = 8  # stream type (1 = stdout, 2 = stderr), 3 zero bytes, payload size (big endian)
STDOUT, STDERR = 1, 2


class EngineStalledError(SandboxError):
    """The engine sent nothing more before the command's deadline."""


def raw_socket(handle: Any) -> socket.socket | None:
    """The socket under what `exec_start(socket=True)` returns (a SocketIO or a socket), or
    None for transports that have none (an SSH channel)."""
    inner = getattr(handle, "_sock", handle)
    return inner if isinstance(inner, socket.socket) else None


def buffered_reader(handle: Any) -> Any:
    """What to read the stream from: the HTTP response's buffered reader over `handle` when
    there is one. Reading the headers may have pulled the first frames into its buffer (the
    engine can answer and start writing output in one go), and reading `handle` itself would
    skip them: the step marker of a quick command was lost that way under load."""
    response = getattr(handle, "_response", None)
    reader = getattr(getattr(getattr(response, "raw", None), "_fp", None), "fp", None)
    return reader if getattr(reader, "raw", None) is handle else handle


def read_handle(handle: Any, deadline: float) -> tuple[bytes, bytes]:
    """(stdout, stderr) of an exec stream handle, under `deadline` where it is a socket (else
    as the SDK reads it, unbounded); the connection is closed afterwards."""
    sock = raw_socket(handle)
    try:
        if sock is None:
            from docker.utils.socket import consume_socket_output, demux_adaptor, frames_iter

            frames = (demux_adaptor(*frame) for frame in frames_iter(handle, False))
            out, err = consume_socket_output(frames, demux=True)
            return out or b"", err or b""
        return read_demuxed(buffered_reader(handle), sock, deadline)
    finally:
        _close(handle, sock)


def _close(handle: Any, sock: socket.socket | None) -> None:
    # a hijacked connection is never reused: end it for good, not only this reference to it
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
    with contextlib.suppress(OSError):
        handle.close()


def read_demuxed(reader: Any, sock: socket.socket, deadline: float) -> tuple[bytes, bytes]:
    """(stdout, stderr) of a multiplexed exec stream read from `reader` (anything with
    `read1` or `recv` over `sock`), until the engine closes it.

    Raises:
        EngineStalledError: `deadline` (a `time.monotonic()` value) passed first.
        OSError: the connection failed (the caller maps engine faults).
    """
    out, err = bytearray(), bytearray()
    while True:
        header = _read_exactly(reader, sock, HEADER_SIZE, deadline)
        if not header:
            return bytes(out), bytes(err)
        if len(header) < HEADER_SIZE:
            raise SandboxError("the engine's exec stream ended inside a frame header")
        kind, size = header[0], struct.unpack(">I", header[4:])[0]
        payload = _read_exactly(reader, sock, size, deadline)
        if len(payload) < size:
            raise SandboxError("the engine's exec stream ended inside a frame")
        (err if kind == STDERR else out).extend(payload)


def _read_exactly(reader: Any, sock: socket.socket, size: int, deadline: float) -> bytes:
    """Up to `size` bytes; fewer only when the stream ends. Each read waits at most until
    `deadline` (the socket's timeout bounds the reader's reads too)."""
    read = reader.read1 if hasattr(reader, "read1") else reader.recv
    chunks, got = [], 0
    while got < size:
        left = deadline - time.monotonic()
        if left <= 0:
            raise EngineStalledError("the Docker engine stopped answering before the deadline")
        sock.settimeout(left)
        try:
            chunk = read(min(size - got, 1 << 20))
        except TimeoutError as exc:
            raise EngineStalledError(
                "the Docker engine stopped answering before the deadline"
            ) from exc
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
