#!/usr/bin/env python3
"""A Hugging Face hub on 127.0.0.1 for the download tests, from the standard library alone.

It answers as huggingface.co does for what a download needs:
  HEAD/GET /{repo}/resolve/{revision}/{file}  X-Repo-Commit, ETag (git blob sha1) for plain
      files served directly; LFS files (*.safetensors) answer 302 to /cdn/... with
      X-Linked-Etag (sha256) and X-Linked-Size, like the hub's redirect to its CDN
  GET /cdn/{repo folder}/{sha256}             the LFS content, with Range (206)
  GET /api/models/{repo}/revision/{revision}  sha and siblings, for huggingface_hub's
      snapshot_download
and, on request, misbehaves: drops the connection mid-file, serves a corrupted file, answers
an HTTP error, stalls, sends slowly, or forges a header (a hostile hub naming files outside the
cache).

  fake_hub_server.py --repo Qwen/Qwen2-VL-7B-Instruct=DIR ... [--log FILE] [faults]

It prints "PORT <n>" on stdout once it listens (port chosen by the system), and appends one JSON
line per request to --log: {"method", "path", "range", "status"}.
"""

import argparse
import fnmatch
import hashlib
import http.server
import json
import os
import socket
import sys
import threading
import time
import urllib.parse

LFS_SUFFIXES = (".safetensors", ".bin")


class Repo:
    def __init__(self, repo_id, folder):
        self.repo_id = repo_id
        self.folder = folder
        self.files = {}
        for root, _, names in os.walk(folder):
            for name in names:
                full = os.path.join(root, name)
                self.files[os.path.relpath(full, folder).replace(os.sep, "/")] = full
        listing = "\n".join(sorted(self.files)).encode()
        self.commit = hashlib.sha1(repo_id.encode() + b"\0" + listing).hexdigest()
        self._digests = {}

    def digest(self, name):
        if name not in self._digests:
            data = open(self.files[name], "rb").read()
            if name.endswith(LFS_SUFFIXES):
                self._digests[name] = ("lfs", hashlib.sha256(data).hexdigest(), len(data))
            else:
                blob = b"blob %d\0" % len(data) + data
                self._digests[name] = ("git", hashlib.sha1(blob).hexdigest(), len(data))
        return self._digests[name]


class Faults:
    """Each fault names files by a glob on the request path; counts say how many times."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.drops = [self._split(d, 3) for d in args.drop]  # glob:bytes:times
        self.stalls = [self._split(s, 4) for s in args.stall]  # glob:bytes:seconds:times
        self.fails = []
        for f in args.fail:  # glob=status[xtimes]
            glob, _, rest = f.rpartition("=")
            status, _, times = rest.partition("x")
            self.fails.append([glob, int(status), int(times) if times else -1])
        self.corrupt = args.corrupt
        self.rate = args.rate
        self.token = args.require_token
        self.forged = []  # [glob, header, value]
        for f in args.forge:  # glob:Header=value
            glob, _, assignment = f.partition(":")
            header, _, value = assignment.partition("=")
            self.forged.append([glob, header, value])

    def forge(self, path, headers):
        for glob, header, value in self.forged:
            if fnmatch.fnmatch(path, glob):
                headers = [(k, v) for k, v in headers if k.lower() != header.lower()]
                headers.append((header, value))
        return headers

    @staticmethod
    def _split(text, parts):
        fields = text.rsplit(":", parts - 1)
        return [fields[0]] + [float(x) if "." in x else int(x) for x in fields[1:]]

    def take(self, table, path, count_index):
        with self.lock:
            for entry in table:
                if fnmatch.fnmatch(path, entry[0]) and entry[count_index] != 0:
                    entry[count_index] -= 1
                    return entry
        return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    repos = {}
    faults = None
    log_file = None
    log_lock = threading.Lock()

    def log_message(self, *args):
        pass

    def record(self, status):
        if self.log_file:
            line = json.dumps({"method": self.command, "path": self.path,
                               "range": self.headers.get("Range"), "status": status,
                               "auth": self.headers.get("Authorization")})
            with self.log_lock, open(self.log_file, "a") as out:
                out.write(line + "\n")

    def answer(self, status, headers=(), body=b"", error_code=None):
        self.record(status)
        self.send_response(status)
        for key, value in self.faults.forge(self.path, list(headers)):
            self.send_header(key, value)
        if error_code:
            self.send_header("X-Error-Code", error_code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.route()

    def do_GET(self):
        self.route()

    def route(self):
        path = urllib.parse.urlsplit(self.path).path
        failure = self.faults.take(self.faults.fails, path, 2)
        if failure:
            code = {401: "RepoNotFound", 403: "GatedRepo"}.get(failure[1])
            return self.answer(failure[1], body=b'{"error": "injected"}', error_code=code)
        if self.faults.token and self.headers.get("Authorization") != "Bearer " + self.faults.token:
            return self.answer(401, body=b'{"error": "Invalid credentials"}')
        if path.startswith("/cdn/"):
            return self.cdn(path)
        if path.startswith("/api/models/"):
            return self.api(path)
        parts = path.lstrip("/").split("/", 4)
        if len(parts) < 5 or parts[2] != "resolve":
            return self.answer(404, body=b"no such route")
        repo = self.repos.get(parts[0] + "/" + parts[1])
        if repo is None:
            return self.answer(401, body=b"Repository not found", error_code="RepositoryNotFound")
        revision = urllib.parse.unquote(parts[3])
        name = urllib.parse.unquote(parts[4])
        if revision not in ("main", repo.commit):
            return self.answer(404, body=b"Revision not found", error_code="RevisionNotFound")
        if name not in repo.files:
            return self.answer(404, [("X-Repo-Commit", repo.commit)], b"Entry not found",
                               error_code="EntryNotFound")
        kind, digest, size = repo.digest(name)
        headers = [("X-Repo-Commit", repo.commit)]
        if kind == "lfs":
            host = self.headers.get("Host")
            folder = "models--" + repo.repo_id.replace("/", "--")
            headers += [("X-Linked-Etag", '"%s"' % digest), ("X-Linked-Size", str(size)),
                        ("ETag", '"%s"' % hashlib.sha1(digest.encode()).hexdigest()),
                        ("Location", "http://%s/cdn/%s/%s?name=%s" % (host, folder, digest,
                                                                    urllib.parse.quote(name)))]
            return self.answer(302, headers)
        headers.append(("ETag", '"%s"' % digest))
        self.send_file(repo.files[name], headers)

    def api(self, path):
        parts = path[len("/api/models/"):].split("/")
        repo = self.repos.get("/".join(parts[:2]))
        if repo is None or len(parts) < 4 or parts[2] != "revision":
            return self.answer(404, body=b'{"error": "not found"}', error_code="RepositoryNotFound")
        siblings = [{"rfilename": name} for name in sorted(repo.files)]
        body = json.dumps({"id": repo.repo_id, "modelId": repo.repo_id, "sha": repo.commit,
                           "siblings": siblings, "private": False}).encode()
        self.answer(200, [("Content-Type", "application/json")], body)

    def cdn(self, path):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        folder, digest = path[len("/cdn/"):].split("/", 1)
        for repo in self.repos.values():
            if "models--" + repo.repo_id.replace("/", "--") != folder:
                continue
            name = query.get("name", [""])[0]
            if name in repo.files and repo.digest(name)[1] == digest:
                return self.send_file(repo.files[name], [("ETag", '"%s"' % digest)], name)
        self.answer(404, body=b"no such object")

    def send_file(self, file, headers, name=None):
        data = open(file, "rb").read()
        name = name or os.path.basename(file)
        if any(fnmatch.fnmatch(name, glob) for glob in self.faults.corrupt):
            data = bytearray(data)
            data[len(data) // 2] ^= 0xFF
            data = bytes(data)
        start = 0
        status = 200
        wanted = self.headers.get("Range")
        if wanted and wanted.startswith("bytes="):
            first, _, last = wanted[len("bytes="):].partition("-")
            start = int(first)
            end = int(last) if last else len(data) - 1
            if start >= len(data):
                return self.answer(416, [("Content-Range", "bytes */%d" % len(data))])
            headers = headers + [("Content-Range", "bytes %d-%d/%d" % (start, end, len(data)))]
            data = data[start:end + 1]
            status = 206
        self.record(status)
        self.send_response(status)
        for key, value in self.faults.forge(self.path, headers + [("Accept-Ranges", "bytes")]):
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command == "HEAD":
            return
        # Fault offsets are positions in the whole file, so a resumed request that starts at
        # or past a drop point is dropped at once (no progress), one before it gets the rest.
        path = "/" + name
        drop = self.faults.take(self.faults.drops, path, 2)
        stall = self.faults.take(self.faults.stalls, path, 3)
        sent = 0
        chunk = 16384
        while sent < len(data) or (drop and start + sent >= drop[1]):
            if drop and start + sent + chunk > drop[1]:
                self.wfile.write(data[sent:max(sent, drop[1] - start)])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            if stall and start + sent + chunk > stall[1]:
                upto = max(sent, stall[1] - start)
                self.wfile.write(data[sent:upto])
                self.wfile.flush()
                sent = upto
                time.sleep(stall[2])
                stall = None
                continue
            try:
                self.wfile.write(data[sent:sent + chunk])
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
                return
            sent += chunk
            if self.faults.rate:
                time.sleep(chunk / self.faults.rate)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", action="append", default=[], help="ID=FOLDER")
    parser.add_argument("--log")
    parser.add_argument("--drop", action="append", default=[],
                        help="GLOB:OFFSET:TIMES drop the connection at OFFSET of a file")
    parser.add_argument("--stall", action="append", default=[],
                        help="GLOB:OFFSET:SECONDS:TIMES pause at OFFSET of a file")
    parser.add_argument("--fail", action="append", default=[],
                        help="PATHGLOB=STATUS[xTIMES] answer an HTTP error")
    parser.add_argument("--corrupt", action="append", default=[],
                        help="GLOB serve the file with one byte flipped")
    parser.add_argument("--rate", type=float, default=0, help="bytes per second per transfer")
    parser.add_argument("--forge", action="append", default=[],
                        help="PATHGLOB:HEADER=VALUE send VALUE as HEADER (e.g. a hostile ETag)")
    parser.add_argument("--require-token", help="401 unless Authorization: Bearer TOKEN")
    args = parser.parse_args()
    for spec in args.repo:
        repo_id, _, folder = spec.partition("=")
        Handler.repos[repo_id] = Repo(repo_id, folder)
    Handler.faults = Faults(args)
    Handler.log_file = args.log
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
