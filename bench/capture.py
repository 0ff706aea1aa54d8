"""Records the exact bytes of one HTTP request: a one-shot server on
127.0.0.1 that answers with the canned reply and keeps what it read."""

import socket
import threading

import common


def _read_request(conn):
    """Returns the raw bytes of one request (head + Content-Length body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest


def capture(send):
    """Calls send(url) once against a recording server; returns the raw
    request bytes it received."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(30)
    port = srv.getsockname()[1]
    got = {}

    def serve():
        try:
            conn, _ = srv.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(30)
            got["raw"] = _read_request(conn)
            reply = b"HTTP/1.1 200 OK\r\n" + "".join(
                f"{k}: {v}\r\n" for k, v in common.REPLY_HEADERS
                if k != "Connection").encode() + b"Connection: close\r\n\r\n"
            conn.sendall(reply + common.REPLY_BODY)

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        send(f"http://127.0.0.1:{port}")
    finally:
        t.join(30)
        srv.close()
    if "raw" not in got:
        raise RuntimeError("no request was captured")
    return got["raw"]


def split_request(raw):
    """Returns (method, target, [(name, value)...], body) of raw bytes."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name, value.strip()))
    return method, target, headers, body


def floor_request_file(path, raw, base_url):
    """Writes the floor program's request file for raw, sent to base_url:
    the captured header lines minus those curl writes itself (Host,
    Content-Length), and curl's own Accept/Expect suppressed unless the
    capture has them."""
    method, target, headers, body = split_request(raw)
    if method != "POST":
        raise ValueError("the floor program sends POST requests only")
    names = {n.lower() for n, _ in headers}
    lines = [f"{n}: {v}" for n, v in headers
             if n.lower() not in ("host", "content-length")]
    for name in ("Accept", "Expect"):
        if name.lower() not in names:
            lines.append(f"{name}:")
    with open(path, "wb") as f:
        f.write((base_url + target + "\n").encode())
        f.write(("\n".join(lines) + "\n\n").encode("latin-1"))
        f.write(body)
