"""Reading an exec's multiplexed output under a deadline, from the HTTP response's buffer first."""

from __future__ import annotations

import io
import socket
import struct
import time
from types import SimpleNamespace

import pytest

from codebench.sandbox.exec_stream import EngineStalledError, read_handle


def frame(kind: int, data: bytes) -> bytes:
    return bytes([kind, 0, 0, 0]) + struct.pack(">I", len(data)) + data


def engine_stream(payload: bytes, *, close: bool = True) -> tuple[socket.SocketIO, socket.socket]:
    """What `exec_start(socket=True)` returns (a SocketIO whose `_response` holds the buffered
    reader over it), with `payload` already sent by the far end."""
    ours, theirs = socket.socketpair()
    theirs.sendall(payload)
    if close:
        theirs.close()
    raw = socket.SocketIO(ours, "rb")
    reader = io.BufferedReader(raw)
    raw._response = SimpleNamespace(raw=SimpleNamespace(_fp=SimpleNamespace(fp=reader)))  # type: ignore[attr-defined]
    return raw, theirs


def test_frames_already_in_the_response_buffer_are_not_lost() -> None:
    """Broke (seen in CI as `apply_failed: apply chain exited 0`): reading the response's
    headers pulled the command's output into the HTTP reader's buffer, and the stream was then
    read from the socket under it, so stdout, with the apply chain's step marker, was lost."""
    stream = frame(1, b"@@STEP git_apply\n") + frame(2, b"warning\n") + frame(1, b"done\n")
    raw, _ = engine_stream(stream)
    reader = raw._response.raw._fp.fp  # type: ignore[attr-defined]
    assert reader.peek(len(stream))  # what http.client's header reading does to the first bytes
    out, err = read_handle(raw, time.monotonic() + 5)
    assert (out, err) == (b"@@STEP git_apply\ndone\n", b"warning\n")


def test_a_stream_that_stops_coming_ends_at_the_deadline() -> None:
    raw, theirs = engine_stream(frame(1, b"partial"), close=False)
    start = time.monotonic()
    with pytest.raises(EngineStalledError):
        read_handle(raw, time.monotonic() + 0.5)
    assert time.monotonic() - start < 3
    theirs.close()


def test_a_stream_cut_inside_a_frame_is_an_error() -> None:
    raw, _ = engine_stream(frame(1, b"whole")[:-2])
    with pytest.raises(Exception, match="ended inside a frame"):
        read_handle(raw, time.monotonic() + 5)
