"""guru-server's HTTP/JSON API with curl, as the README documents it.

The real guru-indexer builds an index of data/sample in a temporary directory
and the real guru-server serves it with --http-listen 127.0.0.1:0; every
request is made by curl. Run by Debian's /usr/bin/python3:

    /usr/bin/python3 tests/clients/http_api_test.py \
        --indexer PATH --server PATH [unittest arguments]
"""

import json
import pathlib
import re
import subprocess
import threading
import time
import unittest

import client_test_support
from client_test_support import ARGS, RUNNING, die_with_parent, make_work_dir, stop_everything

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEED_QUESTION = "since the marathon my left knee hurts when I run for more than 5 minutes"
SEED_TITLE = "Knee pain post marathon"
ALLOWED_ORIGIN = "http://chat.example"
TOKEN = "s3cret-token"
# Generous, for the sanitizer build.
STEP_SECONDS = 60




class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def curl(url, *args, body=None, headers=(), method=None, tls_ca=None):
    """One request with curl: (status, lower-cased headers, body)."""
    command = ["curl", "-sS", "-D", "-", "--max-time", "30"]
    if method:
        command += ["-X", method]
    for header in headers:
        command += ["-H", header]
    if body is not None:
        command += ["--data-binary", "@-"]
    if tls_ca:
        command += ["--cacert", str(tls_ca)]
    command += [*args, url]
    done = subprocess.run(command, input=body.encode() if isinstance(body, str) else body,
                          capture_output=True, timeout=STEP_SECONDS)
    if done.returncode != 0:
        raise RuntimeError(f"curl {url} failed ({done.returncode}): {done.stderr.decode()}")
    raw_headers, _, payload = done.stdout.partition(b"\r\n\r\n")
    # Interim answers (100 Continue to a large body) come first.
    while raw_headers.split(b" ")[1].startswith(b"1"):
        raw_headers, _, payload = payload.partition(b"\r\n\r\n")
    lines = raw_headers.decode().split("\r\n")
    status = int(lines[0].split()[1])
    parsed = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return Response(status, parsed, payload.decode())


class Server:
    """guru-server over `db` with the HTTP/JSON port on 127.0.0.1:0."""

    def __init__(self, db, *flags):
        self.log = []
        self.process = subprocess.Popen(
            [ARGS.server, "--db", str(db), "--listen", "127.0.0.1:0",
             "--http-listen", "127.0.0.1:0", "--shutdown-grace-ms", "0", *flags],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, preexec_fn=die_with_parent,
        )
        RUNNING["servers"].append(self)
        ports = {}
        found = threading.Event()

        def read_log():
            for line in self.process.stderr:
                self.log.append(line)
                for name, pattern in (("http", r"HTTP/JSON on https?://127\.0\.0\.1:(\d+)"),
                                      ("metrics", r"metrics on http://127\.0\.0\.1:(\d+)"),
                                      ("grpc", r"listening on 127\.0\.0\.1:(\d+)")):
                    match = re.search(pattern, line)
                    if match:
                        ports[name] = int(match.group(1))
                if "grpc" in ports:
                    found.set()
            found.set()

        self.reader = threading.Thread(target=read_log, daemon=True)
        self.reader.start()
        if not found.wait(STEP_SECONDS) or "http" not in ports:
            raise RuntimeError("guru-server did not report its ports:\n" + "".join(self.log))
        self.ports = ports
        self.scheme = "https" if "--tls-cert" in flags else "http"

    def url(self, path, port="http"):
        scheme = self.scheme if port == "http" else "http"
        return f"{scheme}://127.0.0.1:{self.ports[port]}{path}"

    def wait_until_ready(self, **kwargs):
        deadline = time.monotonic() + STEP_SECONDS
        while curl(self.url("/readyz"), **kwargs).status != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("guru-server never became ready:\n" + "".join(self.log))
            time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(timeout=5)


def build_index(db):
    subprocess.run([ARGS.indexer, "--db", str(db), str(ROOT / "data/sample")],
                   check=True, capture_output=True, timeout=STEP_SECONDS)



class HttpApiTest(unittest.TestCase):
    """Every route and every error class, against one server with a token and CORS."""

    @classmethod
    def setUpClass(cls):
        work = make_work_dir("guru-http-test-")
        build_index(work / "db")
        (work / "token").write_text(TOKEN + "\n")
        cls.server = Server(work / "db", "--auth-token-file", str(work / "token"),
                            "--http-cors-origin", ALLOWED_ORIGIN,
                            "--metrics-listen", "127.0.0.1:0")
        cls.server.wait_until_ready()

    def call(self, path, body=None, token=TOKEN, headers=(), **kwargs):
        all_headers = list(headers)
        if token is not None:
            all_headers.append(f"Authorization: Bearer {token}")
        if body is not None and not any(h.lower().startswith("content-type") for h in headers):
            all_headers.append("Content-Type: application/json")
        if body is not None and not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        return curl(self.server.url(path), body=body, headers=all_headers, **kwargs)

    def assert_error(self, response, http_status, code_name, *words):
        self.assertEqual(response.status, http_status, response.body)
        self.assertEqual(response.headers.get("content-type"), "application/json; charset=utf-8")
        error = response.json()
        self.assertEqual(error["status"], code_name, error)
        self.assertIsInstance(error["code"], int)
        for word in words:
            self.assertIn(word, error["message"])
        return error

    def seed(self):
        response = self.call("/v1/search", {"query": SEED_QUESTION, "limit": 3})
        self.assertEqual(response.status, 200, response.body)
        return response.json()

    # The routes.

    def test_search_answers_in_the_json_mapping(self):
        found = self.seed()
        self.assertEqual(found["results"][0]["post"]["title"], SEED_TITLE)
        self.assertLessEqual(len(found["results"]), 3)
        # lowerCamelCase names and every primitive field, zero or not.
        self.assertIn("askedOn", found["results"][0]["post"])
        self.assertIn("totalEstimate", found)
        self.assertEqual(found["safety"]["level"], "SAFETY_LEVEL_NONE")

    def test_search_takes_proto_field_names_and_filters_too(self):
        response = self.call("/v1/search", {"query": "knee pain", "page_size": 2,
                                            "filter": {"categories": ["knees"]}})
        self.assertEqual(response.status, 200, response.body)
        results = response.json()["results"]
        self.assertTrue(results)
        self.assertTrue(all(r["post"]["category"] == "knees" for r in results))

    def test_answers_are_not_compressed(self):
        response = self.call("/v1/search", {"query": SEED_QUESTION},
                             headers=["Accept-Encoding: gzip, br"])
        self.assertNotIn("content-encoding", response.headers)
        self.assertEqual(response.headers.get("content-type"), "application/json; charset=utf-8")

    def test_answers_are_never_cached(self):
        response = self.call("/v1/search", {"query": SEED_QUESTION})
        self.assertEqual(response.headers.get("cache-control"), "no-store")

    def test_get_post_and_related(self):
        post_id = self.seed()["results"][0]["post"]["id"]
        post = self.call(f"/v1/posts/{post_id}")
        self.assertEqual(post.status, 200, post.body)
        self.assertEqual(post.json()["title"], SEED_TITLE)
        related = self.call(f"/v1/posts/{post_id}/related?limit=2")
        self.assertEqual(related.status, 200, related.body)
        ids = [r["post"]["id"] for r in related.json()["results"]]
        self.assertTrue(0 < len(ids) <= 2)
        self.assertNotIn(post_id, ids)

    def test_check_safety(self):
        response = self.call("/v1/safety", {"query": "crushing chest pain spreading to my left "
                                                     "arm and I can't breathe"})
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json()["level"], "SAFETY_LEVEL_EMERGENCY")

    def test_health_needs_no_token(self):
        self.assertEqual(self.call("/healthz", token=None).json(), {"status": "alive"})
        self.assertEqual(self.call("/readyz", token=None).json(), {"status": "SERVING"})

    def test_http_calls_count_in_the_same_metrics_as_grpc(self):
        def searches():
            text = curl(self.server.url("/metrics", port="metrics")).body
            match = re.search(r'guru_requests_total\{[^}]*code="OK"[^}]*method="Search"[^}]*\} (\S+)',
                              text) or re.search(
                r'guru_requests_total\{[^}]*method="Search"[^}]*code="OK"[^}]*\} (\S+)', text)
            return float(match.group(1)) if match else 0.0

        before = searches()
        self.seed()
        self.assertEqual(searches(), before + 1)

    # Every error class.

    def test_invalid_arguments_are_400_naming_the_field(self):
        self.assert_error(self.call("/v1/search", {"query": "knee", "limit": 1000}),
                          400, "INVALID_ARGUMENT", "limit")
        self.assert_error(self.call("/v1/search", {"query": " "}), 400, "INVALID_ARGUMENT",
                          "query")
        self.assert_error(self.call("/v1/search", "{not json"), 400, "INVALID_ARGUMENT", "body")
        self.assert_error(self.call("/v1/search", {"qurey": "knee"}), 400, "INVALID_ARGUMENT",
                          "qurey")
        self.assert_error(self.call("/v1/posts/x/related?limit=ten"), 400, "INVALID_ARGUMENT",
                          "limit")
        self.assert_error(self.call("/v1/posts/x?colour=red"), 400, "INVALID_ARGUMENT", "colour")

    def test_a_bad_page_token_is_400(self):
        self.assert_error(self.call("/v1/search", {"query": "knee", "pageToken": "garbage"}),
                          400, "INVALID_ARGUMENT", "page_token")

    def test_no_token_or_a_wrong_one_is_401_with_a_bearer_challenge(self):
        for token in (None, "wrong"):
            with self.subTest(token=token):
                response = self.call("/v1/search", {"query": "knee"}, token=token)
                self.assert_error(response, 401, "UNAUTHENTICATED")
                self.assertEqual(response.headers.get("www-authenticate"), "Bearer")

    def test_unknown_posts_and_routes_are_404(self):
        self.assert_error(self.call("/v1/posts/no-such-post"), 404, "NOT_FOUND", "no-such-post")
        self.assert_error(self.call("/v1/nothing"), 404, "NOT_FOUND", "/v1/nothing")

    def test_a_wrong_method_is_405_with_allow(self):
        response = self.call("/v1/search")
        self.assert_error(response, 405, "UNIMPLEMENTED", "POST")
        self.assertEqual(response.headers.get("allow"), "POST")
        response = self.call("/v1/posts/x", body={}, method="POST")
        self.assertEqual(response.status, 405)
        self.assertEqual(response.headers.get("allow"), "GET")

    def test_a_body_over_the_limit_is_413(self):
        big = json.dumps({"query": "knee " * 500_000})
        self.assert_error(self.call("/v1/search", big), 413, "INVALID_ARGUMENT", "limit")
        # Under the body's limit, but a request over what the gRPC server takes:
        # never 429, which would tell the client to try again.
        bigger = json.dumps({"query": "knee", "context": ["knee " * 3000] * 80})
        self.assert_error(self.call("/v1/search", bigger), 413, "INVALID_ARGUMENT", "protobuf")

    def test_what_the_http_library_refuses_has_a_body_that_says_so(self):
        # Refused before any route is looked at.
        self.assert_error(self.call("/v1/posts/" + "a" * 100_000), 414, "INVALID_ARGUMENT",
                          "URI")

    def test_text_that_is_not_utf8_is_400_and_the_error_is_utf8(self):
        self.assert_error(self.call("/v1/posts/%ff"), 400, "INVALID_ARGUMENT", "UTF-8")
        self.assert_error(self.call("/v1/posts/x/related?%ff=1"), 400, "INVALID_ARGUMENT",
                          "\ufffd")
        self.assert_error(self.call("/v1/search", b'{"query": "knee \xff\xfe"}'), 400,
                          "INVALID_ARGUMENT")

    def test_a_body_that_is_not_json_is_415(self):
        response = self.call("/v1/search", "query=knee",
                             headers=["Content-Type: application/x-www-form-urlencoded"])
        self.assert_error(response, 415, "INVALID_ARGUMENT", "application/json")

    def test_deadlines_come_from_grpc_timeout(self):
        self.assert_error(self.call("/v1/search", {"query": "knee"}, headers=["Grpc-Timeout: 1n"]),
                          504, "DEADLINE_EXCEEDED")
        self.assert_error(self.call("/v1/search", {"query": "knee"},
                                    headers=["Grpc-Timeout: soon"]),
                          400, "INVALID_ARGUMENT", "Grpc-Timeout")

    # CORS.

    def preflight(self, origin):
        return curl(self.server.url("/v1/search"), method="OPTIONS",
                    headers=[f"Origin: {origin}", "Access-Control-Request-Method: POST",
                             "Access-Control-Request-Headers: authorization,content-type"])

    def test_a_preflight_from_an_allowed_origin_is_answered(self):
        response = self.preflight(ALLOWED_ORIGIN)
        self.assertEqual(response.status, 204)
        self.assertEqual(response.headers["access-control-allow-origin"], ALLOWED_ORIGIN)
        self.assertIn("POST", response.headers["access-control-allow-methods"])
        allowed_headers = response.headers["access-control-allow-headers"].lower()
        self.assertIn("authorization", allowed_headers)
        self.assertIn("content-type", allowed_headers)

    def test_a_preflight_from_another_origin_is_refused(self):
        response = self.preflight("http://evil.example")
        self.assert_error(response, 403, "PERMISSION_DENIED")
        self.assertNotIn("access-control-allow-origin", response.headers)

    def test_responses_name_only_an_allowed_origin(self):
        allowed = self.call("/v1/search", {"query": "knee"}, headers=[f"Origin: {ALLOWED_ORIGIN}"])
        self.assertEqual(allowed.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN)
        self.assertEqual(allowed.headers.get("vary"), "Origin")
        other = self.call("/v1/search", {"query": "knee"}, headers=["Origin: http://evil.example"])
        self.assertNotIn("access-control-allow-origin", other.headers)


class UnavailableTest(unittest.TestCase):
    """No index yet: live, not ready, and calls are 503."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(make_work_dir("guru-http-test-") / "missing")

    def test_live_but_not_ready(self):
        self.assertEqual(curl(self.server.url("/healthz")).status, 200)
        response = curl(self.server.url("/readyz"))
        self.assertEqual(response.status, 503)
        self.assertEqual(response.json(), {"status": "NOT_SERVING"})

    def test_searches_are_503(self):
        response = curl(self.server.url("/v1/search"), body='{"query":"knee"}',
                        headers=["Content-Type: application/json"])
        self.assertEqual(response.status, 503, response.body)
        self.assertEqual(response.json()["status"], "UNAVAILABLE")


class TlsTest(unittest.TestCase):
    """With --tls-cert and --tls-key the HTTP port speaks HTTPS only."""

    @classmethod
    def setUpClass(cls):
        work = make_work_dir("guru-http-test-")
        build_index(work / "db")
        cls.cert, key = work / "cert.pem", work / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(cls.cert)],
                       check=True, capture_output=True, timeout=STEP_SECONDS)
        cls.server = Server(work / "db", "--tls-cert", str(cls.cert), "--tls-key", str(key))
        cls.server.wait_until_ready(tls_ca=cls.cert)

    def test_https_with_the_certificate(self):
        response = curl(self.server.url("/v1/search"), body=json.dumps({"query": SEED_QUESTION}),
                        headers=["Content-Type: application/json"], tls_ca=self.cert)
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json()["results"][0]["post"]["title"], SEED_TITLE)

    def test_plain_http_gets_no_answer(self):
        plain = self.server.url("/healthz").replace("https://", "http://")
        with self.assertRaises(RuntimeError):
            curl(plain)


if __name__ == "__main__":
    client_test_support.main(__doc__, "http_api_test")
