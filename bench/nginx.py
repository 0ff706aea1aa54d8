"""A private nginx on 127.0.0.1 answering every request with the canned
StartImportJob reply (keep-alive, no logging), for the end-to-end runs."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import common

_CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")


def find_nginx():
    """Returns the nginx binary path, or None."""
    for path in _CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("nginx")


def ensure_nginx():
    """Returns the nginx binary, installing Debian's nginx-light with
    apt-get when it is missing (raises if that is impossible)."""
    path = find_nginx()
    if path:
        return path
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError("nginx is not installed and cannot be installed "
                           "here (need root and apt-get): "
                           "apt-get install nginx-light")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                    "nginx-light"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    # The package starts a system instance on port 80; this one is ours.
    path = find_nginx()
    if not path:
        raise RuntimeError("nginx-light installed but no nginx binary found")
    return path


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _config(prefix, port):
    body = common.REPLY_BODY.decode()
    if "'" in body or "\\" in body:
        raise ValueError("reply body must not contain ' or \\")
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
daemon off;
master_process on;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    keepalive_timeout 120s;
    keepalive_requests 100000000;
    client_body_buffer_size 64k;
    server_tokens off;
    server {{
        listen 127.0.0.1:{port} reuseport;
        default_type application/json;
        location / {{
            add_header x-amzn-RequestId {common.REQUEST_ID} always;
            return 200 '{body}';
        }}
    }}
}}
"""


class Nginx:
    """Context manager: starts nginx on a free loopback port, stops it on
    exit. .url is its base URL."""

    def __init__(self):
        self.binary = ensure_nginx()
        self.dir = None
        self.proc = None
        self.port = None
        self.url = None

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="qc-bench-nginx-")
        os.chmod(self.dir, 0o755)
        self.port = _free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(_config(self.dir, self.port))
        self.proc = subprocess.Popen(
            [self.binary, "-p", self.dir, "-c", conf, "-e",
             os.path.join(self.dir, "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace")
                self._remove()
                raise RuntimeError(f"nginx exited: {err.strip()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.__exit__(None, None, None)
                    raise RuntimeError("nginx did not start listening")
                time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    def _pids(self):
        pids = [self.proc.pid]
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/"
                      "children") as f:
                pids += [int(x) for x in f.read().split()]
        except OSError:
            pass
        return pids

    def pin(self, cpus):
        """Restricts nginx (master and workers) to the CPUs in cpus."""
        for pid in self._pids():
            try:
                os.sched_setaffinity(pid, cpus)
            except OSError:
                pass

    def cpu_seconds(self):
        """User + system CPU seconds used so far by nginx (master and
        workers), from /proc."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self._pids():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
        return total / tick

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()
        self._remove()
        return False

    def _remove(self):
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
